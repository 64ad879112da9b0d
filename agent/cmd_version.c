/* cmd_version.c: `kepagent version`: program and library versions. */

#include <getopt.h>
#include <stdio.h>

#include <curl/curl.h>
#include <jansson.h>
#include <libxml/xmlversion.h>
#include <microhttpd.h>
#include <openssl/opensslv.h>
#include <sqlite3.h>
#include <yaml.h>
#include <zip.h>

#include "commands.h"
#include "err.h"

int cmd_version(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
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
			       "Prints the version of kepagent and of the libraries it runs with.\n");
			return KEXIT_OK;
		default:
			return cmd_usage_error("version", "see 'kepagent version --help'");
		}
	}
	if (optind < argc)
		return cmd_usage_error("version", "unexpected argument '%s'", argv[optind]);
	if (json) {
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}",
				      "kepagent", PACKAGE_VERSION,
				      "openssl", OPENSSL_VERSION_TEXT,
				      "curl", curl_version(),
				      "sqlite", sqlite3_libversion(),
				      "libxml2", LIBXML_DOTTED_VERSION,
				      "libmicrohttpd", MHD_get_version());
		json_dumpf(o, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(o);
		return KEXIT_OK;
	}
	printf("kepagent %s\n", PACKAGE_VERSION);
	printf("  %s\n  %s\n  sqlite %s\n  libxml2 %s\n  libyaml %s\n  libzip %s\n  libmicrohttpd %s\n",
	       OPENSSL_VERSION_TEXT, curl_version(), sqlite3_libversion(), LIBXML_DOTTED_VERSION,
	       yaml_get_version_string(), zip_libzip_version(), MHD_get_version());
	return KEXIT_OK;
}
