#!/bin/sh
# Installs, as root on Debian 12, every package kepagent needs to build,
# test and run its demo. Safe to run again.
set -e
if [ "$(id -u)" != 0 ]; then
	echo "install-deps.sh: run as root (it calls apt-get)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends \
	autoconf automake libtool pkg-config make gcc \
	libetpan-dev libcurl4-gnutls-dev libssl-dev libsqlite3-dev libyaml-dev \
	libp11-dev libengine-pkcs11-openssl softhsm2 opensc \
	libxml2-dev libxmlsec1-dev libzip-dev libmicrohttpd-dev libjansson-dev \
	libcmocka-dev libsystemd-dev systemd clang libclang-rt-dev \
	debhelper dh-autoreconf dpkg-dev fakeroot lintian \
	openssl xmlsec1 unzip zip curl python3 python3-yaml sqlite3 hyperfine valgrind faketime man-db groff mandoc \
	gettext locales tmux
# The Turkish locale tests/refresh-tty.sh runs refresh under (LANG=tr_TR.UTF-8).
locale -a 2>/dev/null | grep -qi '^tr_TR\.utf-\?8$' || localedef -i tr_TR -c -f UTF-8 tr_TR.UTF-8
# The headless browser tests/evidence-report-html.sh renders the bundle's
# HTML report in, and the fonts the report names (Turkish letters).
apt-get install -y --no-install-recommends chromium fonts-dejavu-core
# The OpenAPI validator tests/api-openapi.sh runs on doc/openapi.yaml
# (redocly, pinned), from npm; Debian's nodejs is new enough.
REDOCLY_VERSION=1.34.20
command -v npm >/dev/null || apt-get install -y --no-install-recommends nodejs npm
if [ "$(redocly --version 2>/dev/null)" != "$REDOCLY_VERSION" ]; then
	npm install -g --no-fund --no-audit --loglevel=error "@redocly/cli@$REDOCLY_VERSION"
fi
