/* gen_eyp.c: e-Yazisma packages (.eyp), OPC ZIP containers. PaketOzeti holds
 * the SHA-256 of Ustveri, BelgeHedef and UstYazi; ImzaCades signs PaketOzeti;
 * NihaiOzet holds the SHA-256 of every part made before it; MuhurCades seals
 * NihaiOzet. The digest layout is described in FORMAT.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/entities.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "gen.h"

#define DIGEST_URI "http://www.w3.org/2001/04/xmlenc#sha256"

struct part { const char *uri; const unsigned char *data; size_t len; };

static void digest_doc(struct kbuf *b, const char *root, const char *id,
		       const struct part *parts, size_t n)
{
	kbuf_printf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
		    "<%s xmlns=\"urn:dpt:eyazisma:schema:xsd:%s-1\" "
		    "xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" Id=\"%s\">\r\n", root, root, id);
	for (size_t i = 0; i < n; i++) {
		unsigned char md[32], b64[64];
		SHA256(parts[i].data, parts[i].len, md);
		EVP_EncodeBlock(b64, md, 32);
		kbuf_printf(b, "  <Reference URI=\"%s\">\r\n"
			    "    <ds:DigestMethod Algorithm=\"" DIGEST_URI "\"/>\r\n"
			    "    <ds:DigestValue>%s</ds:DigestValue>\r\n"
			    "  </Reference>\r\n", parts[i].uri, b64);
	}
	kbuf_printf(b, "</%s>\r\n", root);
}

static int sign_detached(const struct signer *s, const struct kbuf *data, time_t t,
			 struct kbuf *out, struct kerr *err)
{
	struct cms_opts o = { .md = EVP_sha256(), .signing_time = t, .detached = 1 };
	return cms_sign(s, data->data, data->len, &o, out, err);
}

int eyp_build(const struct eyp_spec *e, struct kbuf *zip, struct kerr *err)
{
	xmlChar *konu = xmlEncodeSpecialChars(NULL, BAD_CAST e->konu);
	xmlChar *olusturan = xmlEncodeSpecialChars(NULL, BAD_CAST e->olusturan);
	char tarih[32], upath[256];
	mime_iso_time(tarih, sizeof(tarih), e->tarih);
	snprintf(upath, sizeof(upath), "UstYazi/%s", e->pdf_name);
	struct kbuf ct = {0}, rels = {0}, ust = {0}, nihai = {0}, hedef = {0}, ozet = {0},
		    imza = {0}, nozet = {0}, muhur = {0};
	int rc = -1;

	kbuf_append_str(&ct, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
		"<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\r\n"
		"  <Default Extension=\"xml\" ContentType=\"application/xml\"/>\r\n"
		"  <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\r\n"
		"  <Default Extension=\"pdf\" ContentType=\"application/pdf\"/>\r\n"
		"  <Default Extension=\"imz\" ContentType=\"application/pkcs7-signature\"/>\r\n"
		"</Types>\r\n");
	kbuf_printf(&rels, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
		"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\r\n"
		"  <Relationship Id=\"R1\" Type=\"http://eyazisma.dpt.gov.tr/iliskiler/ustveri\" Target=\"/Ustveri/Ustveri.xml\"/>\r\n"
		"  <Relationship Id=\"R2\" Type=\"http://eyazisma.dpt.gov.tr/iliskiler/ustyazi\" Target=\"/%s\"/>\r\n"
		"  <Relationship Id=\"R3\" Type=\"http://eyazisma.dpt.gov.tr/iliskiler/paketozeti\" Target=\"/PaketOzeti/PaketOzeti.xml\"/>\r\n"
		"  <Relationship Id=\"R4\" Type=\"http://eyazisma.dpt.gov.tr/iliskiler/imzacades\" Target=\"/Imzalar/ImzaCades.imz\"/>\r\n"
		"  <Relationship Id=\"R5\" Type=\"http://eyazisma.dpt.gov.tr/iliskiler/nihaiozet\" Target=\"/NihaiOzet/NihaiOzet.xml\"/>\r\n"
		"  <Relationship Id=\"R6\" Type=\"http://eyazisma.dpt.gov.tr/iliskiler/muhurcades\" Target=\"/Muhur/MuhurCades.imz\"/>\r\n"
		"</Relationships>\r\n", upath);
	kbuf_printf(&ust, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
		"<Ustveri xmlns=\"urn:dpt:eyazisma:schema:xsd:Ustveri-2\">\r\n"
		"  <BelgeId>%s</BelgeId>\r\n  <Konu>%s</Konu>\r\n  <Tarih>%s</Tarih>\r\n"
		"  <BelgeNo>%s</BelgeNo>\r\n  <GuvenlikKodu>TSD</GuvenlikKodu>\r\n"
		"  <Olusturan><Adi>%s</Adi></Olusturan>\r\n"
		"  <DagitimListesi><Dagitim><KepAdresi>%s</KepAdresi><Tur>GEREGI</Tur></Dagitim></DagitimListesi>\r\n"
		"  <Ekler/>\r\n  <DosyaAdi>%s</DosyaAdi>\r\n  <MimeTuru>application/pdf</MimeTuru>\r\n"
		"</Ustveri>\r\n", e->belge_id, (const char *)konu, tarih, e->belge_no,
		(const char *)olusturan, e->hedef,
		e->pdf_name);
	kbuf_printf(&hedef, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
		"<BelgeHedef xmlns=\"urn:dpt:eyazisma:schema:xsd:BelgeHedef-1\">\r\n"
		"  <HedefListesi><Hedef><KepAdresi>%s</KepAdresi></Hedef></HedefListesi>\r\n"
		"</BelgeHedef>\r\n", e->hedef);
	kbuf_printf(&nihai, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
		"<NihaiUstveri xmlns=\"urn:dpt:eyazisma:schema:xsd:NihaiUstveri-1\">\r\n"
		"  <Tarih>%s</Tarih>\r\n  <BelgeNo>%s</BelgeNo>\r\n"
		"  <BelgeImzalar><Imza><Imzalayan>%s</Imzalayan></Imza></BelgeImzalar>\r\n"
		"</NihaiUstveri>\r\n", tarih, e->belge_no, (const char *)olusturan);

	struct part p1[] = {
		{"/Ustveri/Ustveri.xml", ust.data, ust.len},
		{"/BelgeHedef/BelgeHedef.xml", hedef.data, hedef.len},
		{NULL, e->pdf, e->pdf_len},
	};
	char uuri[300];
	snprintf(uuri, sizeof(uuri), "/%s", upath);
	p1[2].uri = uuri;
	digest_doc(&ozet, "PaketOzeti", e->belge_id, p1, ARRAY_SIZE(p1));
	if (sign_detached(e->imza, &ozet, e->tarih, &imza, err) < 0)
		goto out;
	struct part p2[] = {
		p1[0], p1[1], p1[2],
		{"/NihaiUstveri/NihaiUstveri.xml", nihai.data, nihai.len},
		{"/PaketOzeti/PaketOzeti.xml", ozet.data, ozet.len},
		{"/Imzalar/ImzaCades.imz", imza.data, imza.len},
	};
	digest_doc(&nozet, "NihaiOzet", e->belge_id, p2, ARRAY_SIZE(p2));
	if (sign_detached(e->muhur, &nozet, e->tarih, &muhur, err) < 0)
		goto out;

	unsigned char *pdf = xmalloc(e->pdf_len + 1);
	memcpy(pdf, e->pdf, e->pdf_len);
	if (e->alter_part && e->pdf_len > 20)
		pdf[e->pdf_len / 2] ^= 0x20; /* after every digest was taken */
	const char *names[] = {"[Content_Types].xml", "_rels/.rels", "Ustveri/Ustveri.xml",
		"BelgeHedef/BelgeHedef.xml", "NihaiUstveri/NihaiUstveri.xml", upath,
		"PaketOzeti/PaketOzeti.xml", "Imzalar/ImzaCades.imz", "NihaiOzet/NihaiOzet.xml",
		"Muhur/MuhurCades.imz"};
	const void *datas[] = {ct.data, rels.data, ust.data, hedef.data, nihai.data, pdf,
		ozet.data, imza.data, nozet.data, muhur.data};
	size_t lens[] = {ct.len, rels.len, ust.len, hedef.len, nihai.len, e->pdf_len,
		ozet.len, imza.len, nozet.len, muhur.len};
	rc = zip_build(names, datas, lens, ARRAY_SIZE(names), e->tarih, zip, err);
	free(pdf);
out:
	kbuf_free(&ct); kbuf_free(&rels); kbuf_free(&ust); kbuf_free(&nihai);
	kbuf_free(&hedef); kbuf_free(&ozet); kbuf_free(&imza); kbuf_free(&nozet);
	kbuf_free(&muhur);
	xmlFree(konu);
	xmlFree(olusturan);
	return rc;
}
