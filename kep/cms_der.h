/* cms_der.h: a CMS ContentInfo decoded from DER with its certificates
 * decoded once per distinct encoding.
 *
 * OpenSSL 3.0 decodes every certificate's public key as it decodes the
 * certificate, through a decoder context it builds anew each time (about
 * as costly as the signature check itself), and a KEP mailbox carries the
 * same few certificates (the KEPHS's, the sender's, the TSA's and their
 * CAs) in every package, each several times. cms_der_decode() gives what
 * d2i_CMS_ContentInfo() gives for the same bytes, but takes the
 * certificates out of the SignedData before OpenSSL decodes it and puts
 * them back (the same certificates, in the same order) from a bounded cache
 * keyed by their exact bytes. Anything it does not recognise (BER
 * indefinite lengths, other certificate choices, a duplicate certificate,
 * any decoding failure) is decoded by d2i_CMS_ContentInfo() itself, so its
 * answer never differs. Thread-safe. */
#ifndef KEP_CMS_DER_H
#define KEP_CMS_DER_H

#include <stddef.h>

#include <openssl/cms.h>

/* As d2i_CMS_ContentInfo(NULL, &der, len): NULL when it does not parse. */
CMS_ContentInfo *cms_der_decode(const unsigned char *der, size_t len);

/* Counters for the tests: decodes that took the certificates from the
 * cache path (fast), that fell back to OpenSSL's whole decode, and
 * certificates decoded (cache misses). */
struct cms_der_stats {
	unsigned long fast, fallback, cert_decodes;
};
void cms_der_stats(struct cms_der_stats *out);

#endif
