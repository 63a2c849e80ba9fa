#!/bin/sh
# Sum the results of automake test-suite.log files and print the line
# CI reads: "N passed, N failed, N skipped".  NAME=RC arguments count
# one extra check each (0 = passed, 77 = skipped).  Exit 1 if anything failed
# (FAIL, ERROR or XPASS) or no test ran at all.
pass=0 fail=0 skip=0
for log in "$@"; do
    case $log in
    *=*)    # NAME=RC: one extra check that is not an automake test
        case ${log#*=} in
        0)  pass=$((pass + 1)) ;;
        77) echo "SKIP: ${log%%=*}"; skip=$((skip + 1)) ;;
        *)  echo "FAIL: ${log%%=*}"; fail=$((fail + 1)) ;;
        esac
        continue ;;
    esac
    [ -f "$log" ] || { echo "summary: $log is missing" >&2; fail=$((fail + 1)); continue; }
    p=$(sed -n 's/^# PASS: *//p' "$log" | head -1)
    x=$(sed -n 's/^# XFAIL: *//p' "$log" | head -1)
    f=$(sed -n 's/^# FAIL: *//p' "$log" | head -1)
    e=$(sed -n 's/^# ERROR: *//p' "$log" | head -1)
    xp=$(sed -n 's/^# XPASS: *//p' "$log" | head -1)
    s=$(sed -n 's/^# SKIP: *//p' "$log" | head -1)
    pass=$((pass + ${p:-0} + ${x:-0}))
    fail=$((fail + ${f:-0} + ${e:-0} + ${xp:-0}))
    skip=$((skip + ${s:-0}))
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
