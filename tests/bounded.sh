# Sourced by the test scripts (bash). `bounded LIMIT NAME COMMAND [ARG...]` runs COMMAND under
# coreutils `timeout`: SIGTERM to COMMAND and its children after LIMIT seconds, SIGKILL 10 s
# later. When it runs out of time, a line on stderr says which program and what limit:
#   TIMEOUT: NAME ran out of time: killed after LIMIT s (COMMAND ...)
# and the status is 124 (137 when SIGKILL was needed). Otherwise COMMAND's own status.
#
# `timeout` puts itself in a process group of its own (so that a timeout reaches COMMAND's
# children too), where a terminal's Ctrl-C no longer reaches it: COMMAND runs in the background
# and a SIGINT that reaches this shell is passed on to `timeout`, which passes it on to COMMAND
# (timeout catches SIGINT even when it was started with it ignored, so COMMAND starts with the
# default disposition either way). COMMAND's stdin is /dev/null (a background job's).
bounded() {
    local limit=$1 name=$2 rc pid old_trap
    shift 2
    old_trap=$(trap -p INT)
    timeout --kill-after=10 "$limit" "$@" &
    pid=$!
    trap 'kill -INT "$pid" 2>/dev/null' INT
    while :; do  # `wait` returns early when a trapped signal arrives; wait again
        rc=0
        wait "$pid" || rc=$?
        kill -0 "$pid" 2>/dev/null || break
    done
    eval "${old_trap:-trap - INT}"
    case $rc in
        124) echo "TIMEOUT: $name ran out of time: killed after $limit s ($*)" >&2 ;;
        137) echo "TIMEOUT: $name was killed with SIGKILL: it ran past its $limit s and did not end on SIGTERM, or was killed from outside ($*)" >&2 ;;
    esac
    return "$rc"
}
