/* mtom.c: see mtom.h. */
#include "mtom.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

static char *base64(const unsigned char *data, size_t len)
{
	char *out = xmalloc(4 * ((len + 2) / 3) + 1);

	EVP_EncodeBlock((unsigned char *)out, data, (int)len);
	return out;
}

/* A fresh "urn:uuid" style token, like Axis2's MIME boundaries and ids. */
static void uuid(char out[37])
{
	unsigned char r[16];

	if (RAND_bytes(r, sizeof(r)) != 1)
		memset(r, 0x5a, sizeof(r));
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12],
		 r[13], r[14], r[15]);
}

static void dump(struct soap_resp *r, struct kbuf *b)
{
	xmlChar *xml = NULL;
	int n = 0;

	xmlDocDumpMemoryEnc(r->doc, &xml, &n, "UTF-8");
	kbuf_append(b, xml, (size_t)n);
	xmlFree(xml);
}

void mtom_encode(struct soap_resp *r, int inline_base64, struct encoded *out)
{
	char id[37], boundary[64], root_cid[96];
	size_t i;

	memset(out, 0, sizeof(*out));
	if (inline_base64 || r->nbins == 0) {
		for (i = 0; i < r->nbins; i++) {
			char *b64 = base64(r->bins[i].data, r->bins[i].len);

			xmlNodeSetContent(r->bins[i].elem, BAD_CAST b64);
			free(b64);
		}
		dump(r, &out->body);
		out->content_type = xstrdup("text/xml; charset=UTF-8");
		return;
	}
	uuid(id);
	snprintf(boundary, sizeof(boundary), "MIMEBoundary_%s", id);
	snprintf(root_cid, sizeof(root_cid), "0.urn:uuid:%s@apache.org", id);
	for (i = 0; i < r->nbins; i++) {
		xmlNodePtr inc = xmlNewChild(r->bins[i].elem, NULL, BAD_CAST "Include", NULL);
		char *href;

		xmlSetNs(inc, xmlNewNs(inc, BAD_CAST NS_XOP, BAD_CAST "xop"));
		r->bins[i].cid = xasprintf("%zu.urn:uuid:%s@apache.org", i + 1, id);
		href = xasprintf("cid:%s", r->bins[i].cid);
		xmlNewProp(inc, BAD_CAST "href", BAD_CAST href);
		free(href);
	}
	out->content_type = xasprintf("multipart/related; boundary=%s; type=\"application/xop+xml\"; "
				      "start=\"<%s>\"; start-info=\"text/xml\"", boundary, root_cid);
	kbuf_printf(&out->body, "--%s\r\nContent-Type: application/xop+xml; charset=UTF-8; "
		    "type=\"text/xml\"\r\nContent-Transfer-Encoding: binary\r\nContent-ID: <%s>\r\n\r\n",
		    boundary, root_cid);
	dump(r, &out->body);
	for (i = 0; i < r->nbins; i++) {
		kbuf_printf(&out->body, "\r\n--%s\r\nContent-Type: application/octet-stream\r\n"
			    "Content-Transfer-Encoding: binary\r\nContent-ID: <%s>\r\n\r\n",
			    boundary, r->bins[i].cid);
		out->cut = out->body.len + r->bins[i].len / 2;
		kbuf_append(&out->body, r->bins[i].data, r->bins[i].len);
	}
	kbuf_printf(&out->body, "\r\n--%s--\r\n", boundary);
}

void encoded_free(struct encoded *e)
{
	kbuf_free(&e->body);
	free(e->content_type);
	e->content_type = NULL;
}
