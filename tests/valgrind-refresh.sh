#!/bin/sh
# One `kepagent refresh` of a generated mailbox from kepsim with the agent
# under valgrind memcheck (run by tests/valgrind.sh, which sets top_srcdir,
# top_builddir and VALGRIND). kepsim itself runs natively. The store must
# come out complete, and memcheck must report no error and no definite leak.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/kepsim-env.sh"
: "${VALGRIND:?run by tests/valgrind.sh}"
cat >"$T/kepagent" <<EOS
#!/bin/sh
exec $VALGRIND --log-file=$T/vg.%p $top_builddir/kepagent "\$@"
EOS
chmod +x "$T/kepagent"
KEPAGENT=$T/kepagent
kenv_mailbox --seed 5 --received 3 --sent 2 --faults none
kenv_start sim
kenv_config
set +e
"$KEPAGENT" refresh >"$T/out" 2>"$T/err"
rc=$?
set -e
cat "$T"/vg.* >"$top_builddir/valgrind-logs/refresh.vg"
if [ $rc -ne 0 ]; then
	cat "$T/err" "$T"/vg.*
	fail "kepagent refresh under valgrind exited $rc"
fi
kenv_check_store
grep -h 'ERROR SUMMARY' "$T"/vg.*
