/* gen_faults.c: the content faults kepsim-gen can plant, with the verdicts the
 * agent must reach for each (FORMAT.md; names from kep/verdict.h, repeated
 * here as strings because kepsim does not link the agent's kep/ code).
 * Package columns: envelope, envelope_timestamp, original, eyp, overall;
 * an empty eyp means "as generated" (valid for eYazisma, null otherwise). */
#include <stdlib.h>
#include <string.h>

#include "gen.h"

static const struct fault_info table[F__COUNT] = {
	[F_NONE] = {"", 0, {"valid", "valid", "valid", "", "valid"}, ""},
	[F_TAMPERED_ENVELOPE] = {"tampered-envelope", 0,
		{"invalid", "valid", "valid", "", "invalid"}, "envelope"},
	[F_TAMPERED_ORIGINAL] = {"tampered-original", 0,
		{"valid", "valid", "invalid", "", "invalid"}, "original"},
	[F_UNTRUSTED_SIGNER] = {"untrusted-signer", 0,
		{"valid", "valid", "untrusted", "", "untrusted"}, "trust"},
	[F_EXPIRED_SIGNER] = {"expired-signer", 0,
		{"valid", "valid", "expired", "", "expired"}, "expired"},
	[F_EXPIRED_SIGNER_TIMESTAMPED] = {"expired-signer-timestamped", 0,
		{"valid", "valid", "valid", "", "valid"}, "time stamp"},
	[F_REVOKED_SIGNER] = {"revoked-signer", 0,
		{"valid", "valid", "revoked", "", "revoked"}, "revoked"},
	[F_TS_IMPRINT_MISMATCH] = {"timestamp-imprint-mismatch", 0,
		{"valid", "invalid", "valid", "", "invalid"}, "imprint"},
	[F_WRONG_TSA] = {"wrong-tsa", 0,
		{"valid", "untrusted", "valid", "", "untrusted"}, "time stamp"},
	[F_SHA1_SIGNATURE] = {"sha1-signature", 0,
		{"valid", "valid", "weak", "", "weak"}, "SHA-1"},
	[F_UNSIGNED_ORIGINAL] = {"unsigned-original", 0,
		{"valid", "valid", "unsigned", "", "unsigned"}, "unsigned"},
	[F_EYP_ALTERED_PART] = {"eyp-altered-part", 0,
		{"valid", "valid", "valid", "invalid", "invalid"}, "digest"},
	[F_WRAPPED_ENVELOPE] = {"wrapped-envelope", 0,
		{"valid", "valid", "valid", "", "invalid"}, "outside the signature"},
	[F_SWAPPED_ORIGINAL] = {"swapped-original", 0,
		{"valid", "valid", "valid", "", "invalid"}, "outside the signature"},
	[F_UNSIGNED_EXTRA_ATTACHMENT] = {"unsigned-extra-attachment", 0,
		{"valid", "valid", "valid", "", "invalid"}, "outside the signature"},
	[F_SECOND_SIGNED_ENTITY] = {"second-signed-entity", 0,
		{"valid", "valid", "valid", "", "invalid"}, "outside the signature"},
	[F_ENVELOPE_BY_EIMZA] = {"envelope-by-eimza", 0,
		{"untrusted", "valid", "valid", "", "untrusted"}, "not by a KEPHS"},
	[F_TIMESTAMP_NOT_BY_TSA] = {"timestamp-not-by-tsa", 0,
		{"valid", "untrusted", "valid", "", "untrusted"}, "time stamp"},
	[F_EVIDENCE_BY_EIMZA] = {"evidence-by-eimza", 1,
		{"untrusted", "match", "untrusted", NULL, NULL}, "not by a KEPHS"},
	[F_EVIDENCE_BY_TSA] = {"evidence-by-tsa", 1,
		{"untrusted", "match", "untrusted", NULL, NULL}, "not by a KEPHS"},
	[F_EVIDENCE_BY_SEAL] = {"evidence-by-seal", 1,
		{"untrusted", "match", "untrusted", NULL, NULL}, "not by a KEPHS"},
	[F_EVIDENCE_BROKEN_SIGNATURE] = {"evidence-broken-signature", 1,
		{"invalid", "match", "invalid", NULL, NULL}, "signature"},
	[F_EVIDENCE_DIGEST_MISMATCH] = {"evidence-digest-mismatch", 1,
		{"valid", "mismatch", "invalid", NULL, NULL}, "digest"},
	[F_EVIDENCE_UNPARSEABLE] = {"evidence-unparseable", 1,
		{"malformed", "unchecked", "malformed", NULL, NULL}, "DTD"},
	[F_EYP_ATTACHED_OTHER_OZET] = {"eyp-attached-other-ozet", 0,
		{"valid", "valid", "valid", "invalid", "invalid"}, "another document"},
	[F_EYP_OZET_MISMATCH] = {"eyp-ozet-mismatch", 0,
		{"valid", "valid", "valid", "invalid", "invalid"}, "digest"},
	[F_EYP_SWAPPED_PART] = {"eyp-swapped-part", 0,
		{"valid", "valid", "valid", "invalid", "invalid"}, "digest"},
	[F_EVIDENCE_CODE_MISMATCH] = {"evidence-code-mismatch", 1,
		{"valid", "match", "invalid", NULL, NULL}, "code mismatch"},
	[F_EYP_NIHAI_CHANGED] = {"eyp-nihai-changed", 0,
		{"valid", "valid", "valid", "invalid", "invalid"}, "NihaiOzet"},
	[F_EVMAIL_BY_EIMZA] = {"evidence-mail-by-eimza", 2,
		{"untrusted", "match", "untrusted", NULL, NULL}, "not by a KEPHS"},
	[F_EVMAIL_ENVELOPE_BY_EIMZA] = {"evidence-mail-envelope-by-eimza", 2,
		{"valid", "match", "untrusted", NULL, NULL}, "carrying message"},
	[F_OPAQUE_ENVELOPE] = {"opaque-envelope", 0,
		{"valid", "valid", "valid", "", "valid"}, ""},
	[F_OPAQUE_ENVELOPE_BY_EIMZA] = {"opaque-envelope-by-eimza", 0,
		{"untrusted", "valid", "valid", "", "untrusted"}, "not by a KEPHS"},
	[F_ENVELOPE_SIGNING_TIME_CHANGED] = {"envelope-signing-time-changed", 0,
		{"invalid", "valid", "valid", "", "invalid"}, "signed attributes"},
	[F_TIMESTAMP_TIME_CHANGED] = {"timestamp-time-changed", 0,
		{"valid", "invalid", "valid", "", "invalid"}, "time-stamp token signature"},
	[F_EVIDENCE_PARTIAL_SIGNATURE] = {"evidence-partial-signature", 1,
		{"invalid", "match", "invalid", NULL, NULL}, "does not cover the whole document"},
	[F_EYP_SEAL_OTHER_NIHAI] = {"eyp-seal-other-nihai", 0,
		{"valid", "valid", "valid", "invalid", "invalid"}, "another document"},
	[F_EVIDENCE_ENVELOPING] = {"evidence-enveloping", 1,
		{"malformed", "absent", "malformed"}, "not enveloped"},
	[F_EVIDENCE_DUPLICATE_ID] = {"evidence-duplicate-id", 1,
		{"malformed", "match", "malformed"}, "duplicate"},
	[F_EVIDENCE_WRAPPED_ID] = {"evidence-wrapped-id", 1,
		{"invalid", "match", "invalid"}, "signature wrapping"},
	[F_EVIDENCE_NO_CERTIFICATE] = {"evidence-no-certificate", 1,
		{"malformed", "match", "malformed"}, "no signer certificate"},
	[F_EVIDENCE_SHA1_SIGNATURE] = {"evidence-sha1-signature", 1,
		{"weak", "match", "weak"}, "SHA-1"},
	[F_EVIDENCE_MD5_DIGEST] = {"evidence-md5-digest", 1,
		{"malformed", "match", "malformed"}, "unsupported algorithm"},
	[F_EVIDENCE_NO_DIGEST] = {"evidence-no-digest", 1,
		{"valid", "absent", "invalid"}, "no message digest"},
	[F_EVIDENCE_UNKNOWN_DIGEST] = {"evidence-unknown-digest", 1,
		{"valid", "unsupported", "invalid"}, "not supported"},
	/* gen_forge_cms.c; a NULL envelope_timestamp: the envelope is refused
	 * before any signer is read, so no time stamp is judged */
	[F_ENVELOPE_SIGNER_CERT_MISSING] = {"envelope-signer-cert-missing", 0,
		{"untrusted", "valid", "valid", "", "untrusted"}, "signer certificate not in the message"},
	[F_ENVELOPE_ESS_MISMATCH] = {"envelope-ess-mismatch", 0,
		{"invalid", "valid", "valid", "", "invalid"}, "ESS signing-certificate"},
	[F_ENVELOPE_NOT_SIGNED_DATA] = {"envelope-not-signed-data", 0,
		{"malformed", NULL, "valid", "", "malformed"}, "not SignedData"},
	[F_ENVELOPE_ATTACHED_AS_DETACHED] = {"envelope-attached-as-detached", 0,
		{"malformed", NULL, "valid", "", "malformed"}, "not detached"},
	[F_ENVELOPE_DETACHED_AS_OPAQUE] = {"envelope-detached-as-opaque", 0,
		{"malformed", NULL, "malformed", "", "malformed"}, "detached signature"},
	[F_ENVELOPE_NO_SIGNER_INFO] = {"envelope-no-signer-info", 0,
		{"unsigned", NULL, "valid", "", "unsigned"}, "no signer"},
	[F_TIMESTAMP_MALFORMED] = {"timestamp-malformed", 0,
		{"valid", "malformed", "valid", "", "malformed"}, "token does not parse"},
	[F_TIMESTAMP_WITHOUT_TSA_CERT] = {"timestamp-without-tsa-cert", 0,
		{"valid", "untrusted", "valid", "", "untrusted"}, "not in the token"},
	[F_TIMESTAMP_ESS_MISMATCH] = {"timestamp-ess-mismatch", 0,
		{"valid", "invalid", "valid", "", "invalid"}, "ESS signing-certificate"},
	[F_TIMESTAMP_SHA1_IMPRINT] = {"timestamp-sha1-imprint", 0,
		{"valid", "weak", "valid", "", "weak"}, "imprint uses the weak digest SHA-1"},
	[F_TIMESTAMP_MD5_IMPRINT] = {"timestamp-md5-imprint", 0,
		{"valid", "weak", "valid", "", "weak"}, "imprint uses the weak digest MD5"},
	[F_TIMESTAMP_OVER_CONTENT] = {"timestamp-over-content", 0,
		{"valid", "invalid", "valid", "", "invalid"}, "imprint mismatch"},
	[F_SIGNER_NOT_YET_VALID] = {"signer-not-yet-valid", 0,
		{"valid", "valid", "expired", "", "expired"}, "not valid before"},
	[F_RELABELLED_AS_EVIDENCE] = {"relabelled-as-evidence", 0,
		{"valid", "valid", "valid", "", "valid"}, ""},
	[F_EVMAIL_RELABELLED_DISPATCH] = {"evidence-mail-relabelled-dispatch", 2,
		{"valid", "match", "valid", NULL, NULL}, ""},
	[F_EYP_OZET_NO_DIGEST] = {"eyp-ozet-no-digest", 0,
		{"valid", "valid", "valid", "invalid", "invalid"}, "no digest"},
};

enum eyp_forgery fault_eyp_forgery(enum gen_fault f)
{
	return f == F_EYP_ATTACHED_OTHER_OZET ? EYP_ATTACHED_OTHER_OZET
	       : f == F_EYP_OZET_MISMATCH ? EYP_OZET_MISMATCH
	       : f == F_EYP_SWAPPED_PART ? EYP_SWAPPED_PART
	       : f == F_EYP_NIHAI_CHANGED ? EYP_NIHAI_CHANGED
	       : f == F_EYP_SEAL_OTHER_NIHAI ? EYP_SEAL_OTHER_NIHAI
	       : f == F_EYP_OZET_NO_DIGEST ? EYP_OZET_NO_DIGEST : EYP_HONEST;
}

int fault_needs_eyp(enum gen_fault f)
{
	return f == F_EYP_ALTERED_PART || fault_eyp_forgery(f) != EYP_HONEST;
}

const struct fault_info *fault_info(enum gen_fault f)
{
	return &table[f];
}

int faults_parse(const char *spec, int want[F__COUNT], struct kerr *err)
{
	memset(want, 0, sizeof(int) * F__COUNT);
	if (strcmp(spec, "none") == 0)
		return 0;
	if (strcmp(spec, "all") == 0) {
		for (int i = 1; i < F__COUNT; i++)
			want[i] = 1;
		return 0;
	}
	char *copy = xstrdup(spec), *save = NULL;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int found = 0;
		for (int i = 1; i < F__COUNT; i++)
			if (strcmp(t, table[i].name) == 0)
				want[i] = found = 1;
		if (!found) {
			kerr_set(err, KERR_USAGE, "unknown fault '%s'", t);
			free(copy);
			return -1;
		}
	}
	free(copy);
	return 0;
}
