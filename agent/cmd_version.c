/* cmd_version.c: `kepagent version`: program and library versions.
 *
 * Every library kepagent links is listed, in one table used for the text
 * and the JSON output alike: the run-time version where the library can
 * tell it, else the version it was built against (libp11, libsystemd). */

#include <getopt.h>
#include <stdio.h>

#include <curl/curl.h>
#include <jansson.h>
#include <libetpan/libetpan_version.h>
#include <libxml/xmlversion.h>
#include <microhttpd.h>
#include <openssl/crypto.h>
#include <sqlite3.h>
#include <xmlsec/version.h>
#include <yaml.h>
#include <zip.h>

#include "commands.h"
#include "err.h"
#include "util.h"

struct lib_version {
	const char *name;
	char *version;  /* owned */
};

/* libcurl's version string names the TLS and other libraries it uses. */
static size_t collect(struct lib_version *v)
{
	const curl_version_info_data *cv = curl_version_info(CURLVERSION_NOW);
	size_t n = 0;

	v[n++] = (struct lib_version){ "openssl", xstrdup(OpenSSL_version(OPENSSL_VERSION_STRING)) };
	v[n++] = (struct lib_version){ "libcurl", xasprintf("%s (%s)", cv->version,
							    cv->ssl_version ? cv->ssl_version : "no TLS") };
	v[n++] = (struct lib_version){ "sqlite", xstrdup(sqlite3_libversion()) };
	v[n++] = (struct lib_version){ "libxml2", xstrdup(LIBXML_DOTTED_VERSION) };
	v[n++] = (struct lib_version){ "xmlsec1", xstrdup(XMLSEC_VERSION) };
	v[n++] = (struct lib_version){ "libyaml", xstrdup(yaml_get_version_string()) };
	v[n++] = (struct lib_version){ "libzip", xstrdup(zip_libzip_version()) };
	v[n++] = (struct lib_version){ "libmicrohttpd", xstrdup(MHD_get_version()) };
	v[n++] = (struct lib_version){ "jansson", xstrdup(jansson_version_str()) };
	v[n++] = (struct lib_version){ "libetpan", xasprintf("%d.%d", libetpan_get_version_major(),
							     libetpan_get_version_minor()) };
	v[n++] = (struct lib_version){ "libp11", xasprintf("%s (built with)", P11_BUILD_VERSION) };
#ifdef SYSTEMD_BUILD_VERSION
	v[n++] = (struct lib_version){ "libsystemd", xasprintf("%s (built with)", SYSTEMD_BUILD_VERSION) };
#endif
	return n;
}

int cmd_version(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct lib_version libs[16];
	size_t n, i;
	int json = 0, c;

	(void)ctx;
	optind = 1;
	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 'h':
			printf("Usage: kepagent version [--json]\n\n"
			       "Prints the version of kepagent and of every library it links.\n");
			return KEXIT_OK;
		default:
			return cmd_usage_error("version", "see 'kepagent version --help'");
		}
	}
	if (optind < argc)
		return cmd_usage_error("version", "unexpected argument '%s'", argv[optind]);
	n = collect(libs);
	if (json) {
		json_t *l = json_object();
		json_t *o;

		for (i = 0; i < n; i++)
			json_object_set_new(l, libs[i].name, json_string(libs[i].version));
		o = json_pack("{s:s, s:o}", "kepagent", PACKAGE_VERSION, "libraries", l);
		json_dumpf(o, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(o);
	} else {
		printf("kepagent %s\n", PACKAGE_VERSION);
		for (i = 0; i < n; i++)
			printf("  %-14s %s\n", libs[i].name, libs[i].version);
	}
	for (i = 0; i < n; i++)
		free(libs[i].version);
	return KEXIT_OK;
}
