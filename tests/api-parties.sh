#!/bin/sh
# Dates and parties: a package whose original has two To recipients, a Cc,
# its own Date: and an attachment whose raw name is unsafe and Turkish,
# fetched by a refresh started over the API (202 with Location). The API
# shows date (the message's), provider_time (the envelope's) and stored_at
# apart, the recipients, the raw and the safe attachment name, the part's
# Content-Type and an RFC 6266 filename*; `counterpart` finds the package by
# any recipient as well as by the sender; a store without these details (as
# before schema 6) is back-filled from the stored bytes by the next refresh.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/api-lib.sh"
api_world --seed 13 --received 2 --sent 1 --faults none

# A new package, hand-made: unsigned (stored and flagged), but every header
# the agent reads is there.
python3 - "$ACC/INBOX" <<'PY'
import json, os, shutil, sys, time
d = sys.argv[1]
last = max(int(x) for x in os.listdir(d) if x.isdigit())
new = os.path.join(d, ".%d" % (last + 1))
shutil.copytree(os.path.join(d, str(last)), new)
for f in os.listdir(os.path.join(new, "delil")):
    os.remove(os.path.join(new, "delil", f))
orig = ("From: Gonderen Birim <gonderen@hs01.kep.tr>\r\n"
        "To: Alici Bir <alici1@hs01.kep.tr>, alici2@hs02.kep.tr\r\n"
        "Cc: =?UTF-8?B?xLBuY2VsZW1lIEJpcmltaQ==?= <inceleme@hs03.kep.tr>\r\n"
        "Date: Tue, 03 Mar 2026 09:15:00 +0300\r\n"
        "Message-ID: <parties-test@hs01.kep.tr>\r\nSubject: Taraflar\r\n"
        "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
        "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nmetin\r\n"
        "--b1\r\nContent-Type: application/pdf\r\n"
        "Content-Disposition: attachment; filename*=UTF-8''..%2F..%2FEk%201%3A%20%C3%87izelge.pdf\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQKJSBwYXJ0aWVzCg==\r\n--b1--\r\n")
env = ("From: PTT KEPHS <kephs@hs01.kep.tr>\r\nTo: alici1@hs01.kep.tr\r\n"
       "Date: Tue, 03 Mar 2026 09:15:42 +0300\r\nMessage-ID: <env-parties@hs01.kep.tr>\r\n"
       "Subject: Taraflar\r\nMIME-Version: 1.0\r\n"
       "Content-Type: multipart/mixed; boundary=\"b0\"\r\n\r\n"
       "--b0\r\nContent-Type: text/plain\r\n\r\nKEP\r\n"
       "--b0\r\nContent-Type: message/rfc822; name=\"ileti.eml\"\r\n"
       "Content-Disposition: attachment; filename=\"ileti.eml\"\r\n\r\n" + orig + "\r\n--b0--\r\n")
open(os.path.join(new, "package.eml"), "w", newline="").write(env)
open(os.path.join(new, "original.eml"), "w", newline="").write(orig)
m = json.load(open(os.path.join(new, "meta.json")))
m["kepId"] = "<EYWS-parties-test.pttkepMimeyap>"
m["kepSiraNo"] = last + 1
m["konu"] = "Taraflar"
# Dated now, as a provider dates new mail (inside the next refresh's window).
m["tarih"] = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())  # FORMAT.md: UTC
json.dump(m, open(os.path.join(new, "meta.json"), "w"))
os.rename(new, os.path.join(d, str(last + 1)))
PY

# A refresh over the API: 202, with where to watch it.
code=$(curl -s -D "$T/hdr" -o "$T/body" -w '%{http_code}' -X POST -H "Authorization: Bearer $TOKEN" \
	"$API/v1/accounts/acct/refresh")
expect_status 202 "$code" "refresh"
grep -qi '^location: /v1/accounts/acct/refresh' "$T/hdr" || { cat "$T/hdr"; fail "202 without Location"; }
i=0
until [ -n "$(kenv_sql "SELECT id FROM packages WHERE kep_id = '<EYWS-parties-test.pttkepMimeyap>'")" ]; do
	i=$((i + 1)); [ $i -lt 300 ] || fail "the refresh did not store the new package"
	sleep 0.1
done
id=$(kenv_sql "SELECT id FROM packages WHERE kep_id = '<EYWS-parties-test.pttkepMimeyap>'")

check_package() {
	expect_status 200 "$(api GET "/v1/packages?counterpart=$1")" "search by $1"
	python3 - "$T/body" "$id" <<'PY' || fail "package by counterpart $1"
import json, sys
j = json.load(open(sys.argv[1])); pid = int(sys.argv[2])
p = [i for i in j["items"] if i["id"] == pid]
assert p, j
p = p[0]
assert p["recipients"] == [
    {"role": "to", "address": "alici1@hs01.kep.tr", "name": "Alici Bir"},
    {"role": "to", "address": "alici2@hs02.kep.tr", "name": None},
    {"role": "cc", "address": "inceleme@hs03.kep.tr", "name": "\u0130nceleme Birimi"}], p["recipients"]
assert p["date"] == "2026-03-03T06:15:00Z", p
assert p["provider_time"] == "2026-03-03T06:15:42Z", p
assert p["stored_at"] and p["stored_at"] != p["provider_time"], p
assert j["total"] >= len(j["items"]), j
PY
}
for cp in alici1@hs01.kep.tr ALICI2@hs02.kep.tr inceleme@hs03.kep.tr gonderen@hs01.kep.tr; do
	check_package "$cp"
done
expect_status 200 "$(api GET '/v1/packages?counterpart=nobody@hs09.kep.tr')" "search by a stranger"
[ "$(jget "$T/body" 'j["total"]')" = 0 ] || fail "a stranger's search found packages"

# The attachment: raw name beside the safe one, its own type, filename*.
expect_status 200 "$(api POST /v1/queue/claim '{"count": 100}')" claim
lease=$(jget "$T/body" "[i['lease'] for i in j['items'] if i['id'] == $id][0]")
curl -s -o "$T/body" -H "Authorization: Bearer $TOKEN" -H "Kep-Lease: $lease" "$API/v1/queue/$id"
python3 - "$T/body" <<'PY' || fail "attachment names"
import json, sys
j = json.load(open(sys.argv[1]))
a = [x for x in j["attachments"] if x["content_type"] == "application/pdf"][0]
assert a["filename"] == "../../Ek 1: \u00c7izelge.pdf", a
assert "/" not in a["safe_name"] and ":" not in a["safe_name"] and "\u00c7izelge" in a["safe_name"], a
assert j["date"] == "2026-03-03T06:15:00Z" and j["recipients"][2]["role"] == "cc", j
open(sys.argv[1] + ".n", "w").write("%d %s" % (a["index"], a["safe_name"]))
PY
n=$(cut -d' ' -f1 "$T/body.n")
safe=$(cut -d' ' -f2- "$T/body.n")
code=$(curl -s -D "$T/hdr" -o "$T/att" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
	-H "Kep-Lease: $lease" "$API/v1/queue/$id/attachments/$n")
expect_status 200 "$code" attachment
grep -qi '^content-type: application/pdf' "$T/hdr" || { cat "$T/hdr"; fail "not served as application/pdf"; }
python3 - "$T/hdr" "$safe" <<'PY' || fail "Content-Disposition"
import re, sys, urllib.parse
h = open(sys.argv[1], encoding="latin-1", newline="").read()
cd = re.search(r"(?im)^content-disposition: (.*)\r$", h).group(1)
m = re.search(r"filename\*=UTF-8''([^;\s]+)", cd)
assert m and urllib.parse.unquote(m.group(1)) == sys.argv[2], cd
ascii_ = re.search(r'filename="([^"]*)"', cd).group(1)
assert all(ord(c) < 128 for c in ascii_) and "izelge" in ascii_, cd
PY
printf '%%PDF-1.4\n%% parties\n' | cmp -s - "$T/att" || fail "attachment bytes"

# A store from before schema 6: no details, sanitised names only. The next
# refresh back-fills them from the stored bytes.
qsql "SELECT package_id, message_date, provider_time FROM package_details ORDER BY package_id" >"$T/details.before"
qsql "SELECT package_id, idx, role, address, name FROM package_recipients ORDER BY package_id, idx" >"$T/rcpt.before"
qsql "SELECT id, file_name FROM parts ORDER BY id" >"$T/names.before"
qsql "DELETE FROM package_recipients" >/dev/null
qsql "DELETE FROM package_details" >/dev/null
qsql "UPDATE parts SET file_name = safe_name" >/dev/null
expect_status 200 "$(api GET "/v1/packages?counterpart=inceleme@hs03.kep.tr")" "search without details"
[ "$(jget "$T/body" 'j["total"]')" = 0 ] || fail "recipients searched without details"
expect_exit 0 "$KEPAGENT" refresh
expect_grep 'back-filled dates and recipients of [0-9]+ stored package' "$T/err"
qsql "SELECT package_id, message_date, provider_time FROM package_details ORDER BY package_id" | cmp -s - "$T/details.before" \
	|| fail "back-filled dates differ from those stored at sync time"
qsql "SELECT package_id, idx, role, address, name FROM package_recipients ORDER BY package_id, idx" | cmp -s - "$T/rcpt.before" \
	|| fail "back-filled recipients differ"
qsql "SELECT id, file_name FROM parts ORDER BY id" | cmp -s - "$T/names.before" || fail "raw names not back-filled"
check_package inceleme@hs03.kep.tr
