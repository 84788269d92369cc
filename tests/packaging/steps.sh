# The tallies and timed steps of tests/packaging/python.sh and rust.sh (sourced):
#   ok TEXT / bad TEXT      count a check into $passed / $failed and print it;
#   step NAME TEXT          open a step (printed, timed);
#   step_done               close it: its duration is printed and kept in $durations.
# shellcheck shell=bash
passed=0
failed=0
T_ALL=$(date +%s)
durations=()
ok() { echo "  ok   $*"; passed=$((passed + 1)); }
bad() { echo "  FAIL $*"; failed=$((failed + 1)); }
step() { STEP_NAME=$1; shift; printf '\n==> %s: %s\n' "$STEP_NAME" "$*"; T0=$(date +%s); }
step_done() { local d=$(($(date +%s) - T0)); durations+=("$STEP_NAME ${d} s"); echo "    ($STEP_NAME: ${d} s)"; }
