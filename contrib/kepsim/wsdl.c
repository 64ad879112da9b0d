/* wsdl.c: see wsdl.h. */
#include "wsdl.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Field lists: a trailing '*' marks a repeated (parallel array) field and a
 * leading '#' a binary (base64Binary, sent as MTOM). */
static const struct {
	const char *op;
	const char *in;
	const char *out;
} ops[] = {
	{ "Giris", "girisTur", "durum hataaciklama eMetin eHash eGuvenlikId" },
	{ "GuvenliGiris", "girisTur smsKey eCadesBes eGuvenlikId", "durum hataaciklama eGuvenlikId" },
	{ "DizinSorgula", "", "durum dizin* hataaciklama" },
	{ "PaketSorgula", "ilktarih sontarih dizin",
	  "durum* kepId* OrgMesajId* kepSiraNo* from* fromKep* konu* tur* turId* hataaciklama*" },
	{ "Indir", "kepId kepSiraNo ePart eGuvenlikId dizin", "durum #ePaket* hataaciklama" },
	{ "PaketDelilSorgula", "kepId kepSiraNo dizin",
	  "durum* delilId* delilTurId* delilaciklama* tarih* kephs* hataaciklama*" },
	{ "PaketDelilIndir", "delilId", "durum #eDelil hataaciklama" },
	{ "AlindiOnay", "kepId kepSiraNo dizin", "durum hataaciklama" },
	{ "PaketSil", "kepId kepSiraNo dizin", "durum hataaciklama" },
	{ "KontorSorgula", "", "durum kontor hataaciklama" },
	{ "KotaSorgula", "", "durum kota kullanilan hataaciklama" },
};

static void fields(struct kbuf *b, const char *list)
{
	char *copy = xstrdup(list), *tok, *save = NULL;

	for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		size_t n = strlen(tok);
		int rep = tok[n - 1] == '*', bin = tok[0] == '#';

		if (rep)
			tok[n - 1] = '\0';
		kbuf_printf(b, "      <xs:element name=\"%s\" type=\"xs:%s\" minOccurs=\"0\"%s nillable=\"true\"/>\n",
			    tok + bin, bin ? "base64Binary" : "string", rep ? " maxOccurs=\"unbounded\"" : "");
	}
	free(copy);
}

char *wsdl_document(const char *location)
{
	struct kbuf b = { 0 };
	char *out;
	size_t i;

	kbuf_append_str(&b,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<wsdl:definitions xmlns:wsdl=\"http://schemas.xmlsoap.org/wsdl/\"\n"
		"  xmlns:soap=\"http://schemas.xmlsoap.org/wsdl/soap/\"\n"
		"  xmlns:xs=\"http://www.w3.org/2001/XMLSchema\"\n"
		"  xmlns:ns=\"http://ws.apache.org/axis2\" xmlns:ax=\"http://ws.apache.org/axis2/xsd\"\n"
		"  targetNamespace=\"http://ws.apache.org/axis2\">\n"
		"  <wsdl:documentation>KepEYazisma (kepsim test simulator)</wsdl:documentation>\n"
		"  <wsdl:types>\n"
		"    <xs:schema attributeFormDefault=\"qualified\" elementFormDefault=\"qualified\"\n"
		"      targetNamespace=\"http://ws.apache.org/axis2/xsd\">\n"
		"    <xs:complexType name=\"eyKepHesapGirisP\"><xs:sequence>\n");
	fields(&b, "kepHesap tcno parola sifre");
	kbuf_append_str(&b, "    </xs:sequence></xs:complexType>\n");
	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		kbuf_printf(&b, "    <xs:complexType name=\"ey%sP\"><xs:sequence>\n"
			    "      <xs:element name=\"kepHesap\" type=\"ax:eyKepHesapGirisP\" minOccurs=\"0\" nillable=\"true\"/>\n",
			    ops[i].op);
		fields(&b, ops[i].in);
		kbuf_printf(&b, "    </xs:sequence></xs:complexType>\n"
			    "    <xs:complexType name=\"ey%sR\"><xs:sequence>\n", ops[i].op);
		fields(&b, ops[i].out);
		kbuf_append_str(&b, "    </xs:sequence></xs:complexType>\n");
	}
	kbuf_append_str(&b, "    </xs:schema>\n"
		"    <xs:schema attributeFormDefault=\"qualified\" elementFormDefault=\"qualified\"\n"
		"      targetNamespace=\"http://ws.apache.org/axis2\">\n");
	for (i = 0; i < ARRAY_SIZE(ops); i++)
		kbuf_printf(&b,
			"    <xs:element name=\"%1$s\"><xs:complexType><xs:sequence><xs:element name=\"param0\" type=\"ax:ey%1$sP\" minOccurs=\"0\" nillable=\"true\"/></xs:sequence></xs:complexType></xs:element>\n"
			"    <xs:element name=\"%1$sResponse\"><xs:complexType><xs:sequence><xs:element name=\"return\" type=\"ax:ey%1$sR\" minOccurs=\"0\" nillable=\"true\"/></xs:sequence></xs:complexType></xs:element>\n",
			ops[i].op);
	kbuf_append_str(&b, "    </xs:schema>\n  </wsdl:types>\n");
	for (i = 0; i < ARRAY_SIZE(ops); i++)
		kbuf_printf(&b,
			"  <wsdl:message name=\"%1$sRequest\"><wsdl:part name=\"parameters\" element=\"ns:%1$s\"/></wsdl:message>\n"
			"  <wsdl:message name=\"%1$sResponse\"><wsdl:part name=\"parameters\" element=\"ns:%1$sResponse\"/></wsdl:message>\n",
			ops[i].op);
	kbuf_append_str(&b, "  <wsdl:portType name=\"KepEYazismaCOREWSDLPortType\">\n");
	for (i = 0; i < ARRAY_SIZE(ops); i++)
		kbuf_printf(&b, "    <wsdl:operation name=\"%1$s\"><wsdl:input message=\"ns:%1$sRequest\" wsaw:Action=\"urn:%1$s\" xmlns:wsaw=\"http://www.w3.org/2006/05/addressing/wsdl\"/><wsdl:output message=\"ns:%1$sResponse\"/></wsdl:operation>\n",
			    ops[i].op);
	kbuf_append_str(&b, "  </wsdl:portType>\n"
		"  <wsdl:binding name=\"KepEYazismaCOREWSDLSoap11Binding\" type=\"ns:KepEYazismaCOREWSDLPortType\">\n"
		"    <soap:binding transport=\"http://schemas.xmlsoap.org/soap/http\" style=\"document\"/>\n");
	for (i = 0; i < ARRAY_SIZE(ops); i++)
		kbuf_printf(&b, "    <wsdl:operation name=\"%1$s\"><soap:operation soapAction=\"urn:%1$s\" style=\"document\"/><wsdl:input><soap:body use=\"literal\"/></wsdl:input><wsdl:output><soap:body use=\"literal\"/></wsdl:output></wsdl:operation>\n",
			    ops[i].op);
	kbuf_printf(&b, "  </wsdl:binding>\n"
		"  <wsdl:service name=\"KepEYazismaCOREWSDL\">\n"
		"    <wsdl:port name=\"KepEYazismaCOREWSDLHttpsSoap11Endpoint\" binding=\"ns:KepEYazismaCOREWSDLSoap11Binding\">\n"
		"      <soap:address location=\"%s\"/>\n    </wsdl:port>\n  </wsdl:service>\n"
		"</wsdl:definitions>\n", location);
	out = xstrdup(kbuf_cstr(&b));
	kbuf_free(&b);
	return out;
}
