/* gen_eyp.c: e-Yazisma packages (.eyp), OPC ZIP containers, in the two
 * layouts the agent must read (FORMAT.md):
 * - 2.x (the official CBDDO library's): Core properties version 2.0;
 *   Ustveri without Tarih/BelgeNo, which are in NihaiUstveri; PaketOzeti
 *   with two DigestItems (SHA-256, SHA-512) per Reference over Ustveri and
 *   UstYazi and the signed attachment /Ekler/ek1.pdf (Ustveri lists a second,
 *   ek2.pdf, withheld from this recipient: KonulmamisEkListesi), plus one
 *   external (#harici) reference that is not hashed;
 *   ImzaCades attached (embeds PaketOzeti); NihaiOzet over NihaiUstveri,
 *   Core, PaketOzeti and ImzaCades; MuhurCades attached under /Muhur/.
 * - 1.x: Core version 1.3; Tarih/BelgeNo in Ustveri; BelgeHedef; one SHA-256
 *   digest per Reference; ImzaCades detached; the seal under /Muhurler/.
 * Forgeries (enum eyp_forgery) change one thing after the honest parts
 * were made, so each check can be shown to catch its own (nihai-changed:
 * NihaiUstveri altered after the seal, caught by the NihaiOzet digests). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/entities.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "gen.h"

#define SHA256_URI "http://www.w3.org/2001/04/xmlenc#sha256"
#define SHA512_URI "http://www.w3.org/2001/04/xmlenc#sha512"
#define REL "http://eyazisma.dpt/iliskiler/"
#define REL_CORE "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
#define CORE_PART "package/services/metadata/core-properties/kepsim.psmdcp"

#define EK1_ID "IdEk_6F1C2B3A-0000-4000-8000-000000000001"
#define EK2_ID "IdEk_6F1C2B3A-0000-4000-8000-000000000002"
static const char ek1_pdf[] = "%PDF-1.4\n% kepsim attachment Ek-1\n%%EOF\n";

/* no_digest: the Reference is written without a digest (ozet-no-digest). */
struct part { const char *uri; const unsigned char *data; size_t len; int no_digest; };

static void b64_digest(const EVP_MD *md, const void *data, size_t len, unsigned char *b64)
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	EVP_Digest(data, len, d, &n, md, NULL);
	EVP_EncodeBlock(b64, d, (int)n);
}

/* A digest document: version 2 writes two DigestItems per reference. */
static void digest_doc(struct kbuf *b, int version, const char *root, const char *id,
		       const struct part *parts, size_t n, int external)
{
	kbuf_printf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
		    "<%s xmlns=\"urn:dpt:eyazisma:schema:xsd:%s-%d\" "
		    "xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" Id=\"%s\">\r\n", root, root,
		    version, id);
	for (size_t i = 0; i < n; i++) {
		unsigned char s256[64], s512[128];

		b64_digest(EVP_sha256(), parts[i].data, parts[i].len, s256);
		if (parts[i].no_digest) {
			kbuf_printf(b, "  <Reference URI=\"%s\"%s/>\r\n", parts[i].uri, version == 1 ? ""
				    : " Type=\"http://eyazisma.dpt/bilesen#dahili\"");
			continue;
		}
		if (version == 1) {
			kbuf_printf(b, "  <Reference URI=\"%s\">\r\n"
				    "    <ds:DigestMethod Algorithm=\"" SHA256_URI "\"/>\r\n"
				    "    <ds:DigestValue>%s</ds:DigestValue>\r\n"
				    "  </Reference>\r\n", parts[i].uri, s256);
			continue;
		}
		b64_digest(EVP_sha512(), parts[i].data, parts[i].len, s512);
		kbuf_printf(b, "  <Reference URI=\"%s\" Type=\"http://eyazisma.dpt/bilesen#dahili\">\r\n"
			    "    <DigestItem><DigestMethod Algorithm=\"" SHA256_URI "\"/>"
			    "<DigestValue>%s</DigestValue></DigestItem>\r\n"
			    "    <DigestItem><DigestMethod Algorithm=\"" SHA512_URI "\"/>"
			    "<DigestValue>%s</DigestValue></DigestItem>\r\n"
			    "  </Reference>\r\n", parts[i].uri, s256, s512);
	}
	if (external) /* a document outside the package: its digest is the producer's word */
		kbuf_printf(b, "  <Reference URI=\"https://belge.kepsim.gov.tr/harici.pdf\" "
			    "Type=\"http://eyazisma.dpt/bilesen#harici\">\r\n"
			    "    <DigestItem><DigestMethod Algorithm=\"" SHA256_URI "\"/>"
			    "<DigestValue>X4TAKrqfQNl9IR+h2yU/bAkNe0wX4TAKrqfQNl9IR+g=</DigestValue></DigestItem>\r\n"
			    "    <DigestItem><DigestMethod Algorithm=\"" SHA512_URI "\"/>"
			    "<DigestValue>X4TAKrqfQNl9IR+h2yU/bAkNe0w=</DigestValue></DigestItem>\r\n"
			    "  </Reference>\r\n");
	kbuf_printf(b, "</%s>\r\n", root);
}

static int sign(const struct signer *s, const struct kbuf *data, time_t t, int detached,
		struct kbuf *out, struct kerr *err)
{
	struct cms_opts o = { .md = EVP_sha256(), .signing_time = t, .detached = detached };
	return cms_sign(s, data->data, data->len, &o, out, err);
}

static void ustveri(struct kbuf *b, const struct eyp_spec *e, const char *konu,
		    const char *tarih, const char *olusturan)
{
	int v1 = e->version == 1;

	kbuf_printf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
		"<%s xmlns=\"urn:dpt:eyazisma:schema:xsd:Ustveri-%d\">\r\n"
		"  <BelgeId>%s</BelgeId>\r\n  <Konu>%s</Konu>\r\n", v1 ? "Ustveri" : "UstVeri",
		v1 ? 1 : 2, e->belge_id, konu);
	if (v1)
		kbuf_printf(b, "  <Tarih>%s</Tarih>\r\n  <BelgeNo>%s</BelgeNo>\r\n", tarih,
			    e->belge_no);
	/* 2.x: one signed attachment (/Ekler/ek1.pdf) and one withheld from
	 * this recipient (KonulmamisEkListesi: not in the package, Rehber K.23) */
	kbuf_printf(b, "  <GuvenlikKodu>TSD</GuvenlikKodu>\r\n"
		"  <Olusturan><Adi>%s</Adi></Olusturan>\r\n"
		"  <DagitimListesi><Dagitim><KepAdresi>%s</KepAdresi><Tur>GEREGI</Tur>%s</Dagitim></DagitimListesi>\r\n"
		"  %s\r\n  <DosyaAdi>%s</DosyaAdi>\r\n  <MimeTuru>application/pdf</MimeTuru>\r\n"
		"</%s>\r\n", olusturan, e->hedef,
		v1 ? "" : "<KonulmamisEkListesi><KonulmamisEk><EkId>" EK2_ID "</EkId></KonulmamisEk>"
			  "</KonulmamisEkListesi>",
		v1 ? "<Ekler/>" : "<Ekler><Ek><Id>" EK1_ID "</Id><DosyaAdi>ek1.pdf</DosyaAdi>"
			  "<MimeTuru>application/pdf</MimeTuru><Ad>Ek-1</Ad></Ek>"
			  "<Ek><Id>" EK2_ID "</Id><DosyaAdi>ek2.pdf</DosyaAdi>"
			  "<MimeTuru>application/pdf</MimeTuru><Ad>Ek-2</Ad></Ek></Ekler>",
		e->pdf_name, v1 ? "Ustveri" : "UstVeri");
}

static const char *const forgery_names[] = {
	[EYP_ATTACHED_OTHER_OZET] = "attached-other-ozet",
	[EYP_OZET_MISMATCH] = "ozet-mismatch",
	[EYP_SWAPPED_PART] = "swapped-part",
	[EYP_NIHAI_CHANGED] = "nihai-changed",
	[EYP_SEAL_OTHER_NIHAI] = "seal-other-nihai",
	[EYP_OZET_NO_DIGEST] = "ozet-no-digest",
};

const char *eyp_forgery_name(enum eyp_forgery f)
{
	return f > EYP_HONEST && (size_t)f < ARRAY_SIZE(forgery_names) ? forgery_names[f] : NULL;
}

int eyp_forgery_parse(const char *name, enum eyp_forgery *f)
{
	for (size_t i = 1; i < ARRAY_SIZE(forgery_names); i++)
		if (strcmp(name, forgery_names[i]) == 0) {
			*f = (enum eyp_forgery)i;
			return 0;
		}
	return -1;
}

int eyp_build(const struct eyp_spec *e, struct kbuf *zip, struct kerr *err)
{
	int v1 = e->version == 1;
	xmlChar *konu = xmlEncodeSpecialChars(NULL, BAD_CAST e->konu);
	xmlChar *olusturan = xmlEncodeSpecialChars(NULL, BAD_CAST e->olusturan);
	char tarih[32], upath[256], uuri[300];
	mime_iso_time(tarih, sizeof(tarih), e->tarih);
	snprintf(upath, sizeof(upath), "UstYazi/%s", e->pdf_name);
	snprintf(uuri, sizeof(uuri), "/%s", upath);
	const char *seal_path = v1 ? "Muhurler/MuhurCades.imz" : "Muhur/MuhurCades.imz";
	struct kbuf ct = {0}, rels = {0}, core = {0}, ust = {0}, nihai = {0}, hedef = {0},
		    ozet = {0}, imza = {0}, nozet = {0}, muhur = {0}, other = {0}, other_ozet = {0};
	int rc = -1;

	kbuf_append_str(&ct, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
		"<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\r\n"
		"  <Default Extension=\"xml\" ContentType=\"application/xml\"/>\r\n"
		"  <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\r\n"
		"  <Default Extension=\"psmdcp\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>\r\n"
		"  <Default Extension=\"pdf\" ContentType=\"application/pdf\"/>\r\n"
		"  <Default Extension=\"imz\" ContentType=\"application/pkcs7-signature\"/>\r\n"
		"</Types>\r\n");
	/* One producer spells the PaketOzeti type with a capital P: the reader
	 * compares types without case. */
	kbuf_printf(&rels, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
		"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\r\n"
		"  <Relationship Id=\"IdCore\" Type=\"" REL_CORE "\" Target=\"/" CORE_PART "\"/>\r\n"
		"  <Relationship Id=\"IdUstveri\" Type=\"" REL "ustveri\" Target=\"/Ustveri/Ustveri.xml\"/>\r\n"
		"  <Relationship Id=\"IdNihaiUstveri\" Type=\"" REL "nihaiustveri\" Target=\"/NihaiUstveri/NihaiUstveri.xml\"/>\r\n"
		"  <Relationship Id=\"IdUstYazi\" Type=\"" REL "ustyazi\" Target=\"/%s\"/>\r\n"
		"  <Relationship Id=\"IdPaketOzeti\" Type=\"" REL "%s\" Target=\"/PaketOzeti/PaketOzeti.xml\"/>\r\n"
		"  <Relationship Id=\"IdImzaCades\" Type=\"" REL "imzacades\" Target=\"/Imzalar/ImzaCades.imz\"/>\r\n"
		"  <Relationship Id=\"IdNihaiOzet\" Type=\"" REL "nihaiozet\" Target=\"/NihaiOzet/NihaiOzet.xml\"/>\r\n"
		"  <Relationship Id=\"IdMuhurCades\" Type=\"" REL "muhurcades\" Target=\"/%s\"/>\r\n"
		"</Relationships>\r\n", upath, v1 ? "paketozeti" : "PaketOzeti", seal_path);
	kbuf_printf(&core, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
		"<coreProperties xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
		"xmlns=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\">\r\n"
		"  <dc:creator>kepsim</dc:creator><dc:subject>%s</dc:subject>\r\n"
		"  <category>RESMIYAZISMA</category><contentType>application/eyazisma</contentType>\r\n"
		"  <dc:identifier>%s</dc:identifier><version>%s</version><revision>kepsim</revision>\r\n"
		"</coreProperties>\r\n", (const char *)konu, e->belge_id, v1 ? "1.3" : "2.0");
	ustveri(&ust, e, (const char *)konu, tarih, (const char *)olusturan);
	kbuf_printf(&hedef, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
		"<BelgeHedef xmlns=\"urn:dpt:eyazisma:schema:xsd:BelgeHedef-1\">\r\n"
		"  <HedefListesi><Hedef><KepAdresi>%s</KepAdresi></Hedef></HedefListesi>\r\n"
		"</BelgeHedef>\r\n", e->hedef);
	kbuf_printf(&nihai, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
		"<%s xmlns=\"urn:dpt:eyazisma:schema:xsd:NihaiUstveri-%d\" "
		"xmlns:tipler=\"urn:dpt:eyazisma:schema:xsd:Tipler-2\">\r\n"
		"  <tipler:Tarih>%s</tipler:Tarih>\r\n  <tipler:BelgeNo>%s</tipler:BelgeNo>\r\n"
		"  <tipler:BelgeImzalar><tipler:Imza><tipler:Imzalayan>%s</tipler:Imzalayan>"
		"</tipler:Imza></tipler:BelgeImzalar>\r\n"
		"</%s>\r\n", v1 ? "NihaiUstveri" : "NihaiUstVeri", v1 ? 1 : 2, tarih, e->belge_no,
		(const char *)olusturan, v1 ? "NihaiUstveri" : "NihaiUstVeri");

	/* What PaketOzeti covers; eyp-ozet-mismatch digests a document the
	 * package does not hold in place of UstYazi. */
	unsigned char *odd = xmalloc(e->pdf_len + 1);
	memcpy(odd, e->pdf, e->pdf_len);
	odd[e->pdf_len / 2] ^= 0x01;
	struct part p1[] = {
		{"/Ustveri/Ustveri.xml", ust.data, ust.len},
		{uuri, e->forgery == EYP_OZET_MISMATCH ? odd : e->pdf, e->pdf_len},
		{"/BelgeHedef/BelgeHedef.xml", hedef.data, hedef.len},
	};
	struct part p1v2[] = { p1[0], p1[1],
		{"/Ekler/ek1.pdf", (const unsigned char *)ek1_pdf, sizeof(ek1_pdf) - 1} };
	/* ozet-no-digest: UstYazi's Reference carries no digest, then UstYazi
	 * is replaced after signing (nothing else covers it) */
	p1[1].no_digest = p1v2[1].no_digest = e->forgery == EYP_OZET_NO_DIGEST;
	digest_doc(&ozet, v1 ? 1 : 2, "PaketOzeti", e->belge_id, v1 ? p1 : p1v2, 3, !v1);
	if (e->forgery == EYP_ATTACHED_OTHER_OZET) {
		/* a genuine attached signature by the same signer over the
		 * PaketOzeti of another package (another Ustveri) */
		struct eyp_spec o = *e;
		o.konu = "Başka bir belge";
		ustveri(&other, &o, "Başka bir belge", tarih, (const char *)olusturan);
		struct part p1o[] = { {"/Ustveri/Ustveri.xml", other.data, other.len}, p1[1],
			v1 ? p1[2] : p1v2[2] };
		digest_doc(&other_ozet, v1 ? 1 : 2, "PaketOzeti", e->belge_id, p1o, 3, !v1);
		if (sign(e->imza, &other_ozet, e->tarih, 0, &imza, err) < 0)
			goto out;
	} else if (sign(e->imza, &ozet, e->tarih, v1 || e->detached, &imza, err) < 0) {
		goto out;
	}
	struct part p2[] = {
		{"/NihaiUstveri/NihaiUstveri.xml", nihai.data, nihai.len},
		{"/" CORE_PART, core.data, core.len},
		{"/PaketOzeti/PaketOzeti.xml", ozet.data, ozet.len},
		{"/Imzalar/ImzaCades.imz", imza.data, imza.len},
		{"/Ekler/ek1.pdf", (const unsigned char *)ek1_pdf, sizeof(ek1_pdf) - 1},
	};
	digest_doc(&nozet, v1 ? 1 : 2, "NihaiOzet", e->belge_id, p2, ARRAY_SIZE(p2) - (v1 ? 1 : 0), 0);
	if (e->forgery == EYP_SEAL_OTHER_NIHAI) {
		/* a genuine attached seal by the same institution over the
		 * NihaiOzet of another package (another BelgeId) */
		kbuf_free(&other);
		digest_doc(&other, 2, "NihaiOzet", "BASKA-BIR-BELGE", p2, ARRAY_SIZE(p2), 0);
		if (sign(e->muhur, &other, e->tarih, 0, &muhur, err) < 0)
			goto out;
	} else if (sign(e->muhur, &nozet, e->tarih, v1 || e->detached, &muhur, err) < 0) {
		goto out;
	}

	unsigned char *pdf = xmalloc(e->pdf_len + 1);
	memcpy(pdf, e->pdf, e->pdf_len);
	if ((e->alter_part || e->forgery == EYP_OZET_NO_DIGEST) && e->pdf_len > 20)
		pdf[e->pdf_len / 2] ^= 0x20; /* after every digest was taken */
	if (e->forgery == EYP_SWAPPED_PART) {
		/* Ustveri replaced after signing by another document's */
		struct eyp_spec o = *e;
		kbuf_free(&ust);
		ustveri(&ust, &o, "Değiştirilmiş konu", tarih, (const char *)olusturan);
	}
	if (e->forgery == EYP_NIHAI_CHANGED) {
		/* NihaiUstveri's BelgeNo changed after NihaiOzet was sealed: only
		 * NihaiOzet's digest over NihaiUstveri can tell */
		char *x = strstr((char *)nihai.data, "</tipler:BelgeNo>");
		if (x && x > (char *)nihai.data)
			x[-1] = x[-1] == '9' ? '8' : '9';
	}
	const char *names[] = {"[Content_Types].xml", "_rels/.rels", CORE_PART,
		"Ustveri/Ustveri.xml", "NihaiUstveri/NihaiUstveri.xml", upath,
		"PaketOzeti/PaketOzeti.xml", "Imzalar/ImzaCades.imz", "NihaiOzet/NihaiOzet.xml",
		seal_path, v1 ? "BelgeHedef/BelgeHedef.xml" : "Ekler/ek1.pdf"};
	const void *datas[] = {ct.data, rels.data, core.data, ust.data, nihai.data, pdf,
		ozet.data, imza.data, nozet.data, muhur.data, v1 ? hedef.data : (const void *)ek1_pdf};
	size_t lens[] = {ct.len, rels.len, core.len, ust.len, nihai.len, e->pdf_len,
		ozet.len, imza.len, nozet.len, muhur.len, v1 ? hedef.len : sizeof(ek1_pdf) - 1};
	rc = zip_build(names, datas, lens, ARRAY_SIZE(names), e->tarih, zip, err);
	free(pdf);
out:
	free(odd);
	kbuf_free(&ct); kbuf_free(&rels); kbuf_free(&core); kbuf_free(&ust); kbuf_free(&nihai);
	kbuf_free(&hedef); kbuf_free(&ozet); kbuf_free(&imza); kbuf_free(&nozet);
	kbuf_free(&muhur); kbuf_free(&other); kbuf_free(&other_ozet);
	xmlFree(konu);
	xmlFree(olusturan);
	return rc;
}
