#!/bin/sh
# /healthz is honest about the disk: with the store on a small tmpfs, a disk
# with less free space than a package needs, and a full one, make it 503
# with the reason (it used to say "writable" while nothing could be stored);
# freed again, it is 200 and reports the free bytes. Needs root (mount).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/api-lib.sh"
mkdir "$T/store"
mount -t tmpfs -o size=48m,mode=0700 tmpfs "$T/store" 2>/dev/null || skip "cannot mount a tmpfs"
on_exit "umount '$T/store' 2>/dev/null || umount -l '$T/store' 2>/dev/null || true"
api_world --seed 3 --received 2 --sent 1 --faults none

expect_status 200 "$(api_raw "$API/healthz")" "healthz"
free=$(jget "$T/body" 'j["free_bytes"]')
[ "$free" -gt $((32 << 20)) ] || fail "free_bytes $free is not the tmpfs' free space"

# Less free space than a package needs (32 MB): unhealthy, saying why.
dd if=/dev/zero of="$T/store/filler" bs=1M count=$((free / 1048576 - 2)) 2>/dev/null
expect_status 503 "$(api_raw "$API/healthz")" "healthz with 2 MB free"
api_conforms GET /healthz 503
jget "$T/body" 'j["store"]' | grep -q 'bytes free' || fail "no reason given for low space"
[ "$(jget "$T/body" 'j["free_bytes"]')" -lt $((4 << 20)) ] || fail "free_bytes not reported"

# Full: the probe page cannot be written.
dd if=/dev/zero of="$T/store/filler2" bs=64k 2>/dev/null || true
expect_status 503 "$(api_raw "$API/healthz")" "healthz on a full disk"
api_conforms GET /healthz 503
[ "$(jget "$T/body" 'j["status"]')" = unhealthy ] || fail "not unhealthy"
jget "$T/body" 'j["store"]' | grep -Eq 'cannot (write|create)' || fail "the probe write did not fail"
[ "$(jget "$T/body" 'j["free_bytes"]')" -lt 65536 ] || fail "full disk: free_bytes"

rm -f "$T/store/filler" "$T/store/filler2"
expect_status 200 "$(api_raw "$API/healthz")" "healthz after freeing space"
[ "$(jget "$T/body" 'j["store"]')" = writable ] || fail "not writable again"
ls -a "$T/store" | grep -q kepagent-health && fail "probe files left behind"
exit 0
