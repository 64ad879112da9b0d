#!/bin/sh
# The Ustveri EBYS is shown in the queue detail of an e-Yazisma package: the
# main document and the attachment list (name, type, size, digest state:
# valid, or withheld for the attachment not included for this recipient),
# each as in the package, on a store filled from kepsim by `kepagent
# refresh`; a package whose PaketOzeti digests another main document shows
# that document's digest "invalid" (and the package not valid). The refresh
# MIME-parses each package once and opens each .eyp once (package_view.h:
# verification and the stored rows share them), counted by the debug lines
# of mime_package_parse and eyp_open.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/api-lib.sh"
api_before_refresh() { printf 'log:\n  level: debug\n' >>"$KEPAGENT_CONFIG"; }
api_world --seed 9 --received 8 --sent 0 --faults eyp-ozet-mismatch
opens=$(grep -c "opening an e-Yazisma package" "$T/refresh.log" || true)
eyps=$(kenv_sql "SELECT count(*) FROM parts WHERE role = 'eyp'")
[ "$eyps" -ge 2 ] || fail "only $eyps .eyp parts stored"
[ "$opens" = "$eyps" ] || fail "the refresh opened an .eyp $opens times for $eyps stored"
# ... and MIME-parses each package once (mime_package_parse's debug line).
parses=$(grep -c "MIME-parsing a package" "$T/refresh.log" || true)
pkgs=$(kenv_sql "SELECT count(*) FROM packages")
[ "$pkgs" -ge 8 ] || fail "only $pkgs packages stored"
[ "$parses" = "$pkgs" ] || fail "the refresh MIME-parsed $parses times for $pkgs packages stored"

expect_status 200 "$(api POST /v1/queue/claim '{"count": 100}')" "claim all"
cp "$T/body" "$T/claim.json"
n_eyp=0 n_invalid=0
for id in $(jget "$T/claim.json" '" ".join(str(i["id"]) for i in j["items"])'); do
	lease=$(jget "$T/claim.json" '[i["lease"] for i in j["items"] if i["id"] == '"$id"'][0]')
	expect_status 200 "$(api GET "/v1/queue/$id?lease=$lease")" "detail $id"
	api_conforms GET "/v1/queue/{id}" 200
	[ "$(jget "$T/body" 'j["ustveri"] is not None')" = True ] || continue
	sira=$(kenv_sql "SELECT kep_sira_no FROM package_seq WHERE package_id = $id")
	eyp=$(ls "$ACC/INBOX/$sira/attachments/"*.eyp)
	state=$(python3 - "$T/body" "$eyp" <<'EOPY'
import json, sys, zipfile
j = json.load(open(sys.argv[1]))
z = zipfile.ZipFile(sys.argv[2])
u = j["ustveri"]
main = [n for n in z.namelist() if n.startswith("UstYazi/")][0]
m = u["main_document"]
assert m is not None, "no main_document: %r" % u
assert m["name"] == main[len("UstYazi/"):], m
assert m["size"] == z.getinfo(main).file_size, m
assert m["type"] == "application/pdf", m
assert m["digest"] in ("valid", "invalid"), m
want = []
if "Ekler/ek1.pdf" in z.namelist():  # 2.x: ek1.pdf signed, ek2.pdf withheld from this recipient
    want = [{"name": "ek1.pdf", "description": "Ek-1", "type": "application/pdf",
             "size": z.getinfo("Ekler/ek1.pdf").file_size, "digest": "valid"},
            {"name": "ek2.pdf", "description": "Ek-2", "type": "application/pdf",
             "size": None, "digest": "withheld"}]
assert u["attachments"] == want, (u["attachments"], want)
if m["digest"] == "invalid":
    assert j["verification"]["overall"] not in ("valid", "revocation-unknown"), j["verification"]
else:
    assert j["verification"]["overall"] in ("valid", "revocation-unknown"), j["verification"]
print(m["digest"])
EOPY
) || fail "queue detail $id: the Ustveri's documents are not the package's"
	n_eyp=$((n_eyp + 1))
	[ "$state" = invalid ] && n_invalid=$((n_invalid + 1))
done
[ $n_eyp -ge 2 ] || fail "only $n_eyp e-Yazisma items in the queue"
[ $n_invalid = 1 ] || fail "$n_invalid main documents with an invalid digest (the ozet-mismatch one expected)"
exit 0
