#!/usr/bin/env bash
# `make fuzz`: builds the libFuzzer targets (Sources/Fuzz*, -sanitize=fuzzer,address) in .build/fuzz and runs
# each for FUZZ_RUNS executions (default 1,000,000), seeded from the fixtures (scripts/fuzz-seeds.py).
# Prints the executions each target ran; exits non-zero if a target found a crash, a leak, a timeout or
# an allocation above the limit. Findings are written to .build/fuzz/findings/; replay one with the
# ordinary build (`.build/debug/FuzzMRC FILE`), then add it to Tests/BadInputs/fuzz/ with a test.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${FUZZ_RUNS:-1000000}
TARGETS=${FUZZ_TARGETS:-"FuzzMRC FuzzMapFile FuzzModel"}
WORK=.build/fuzz
# The Swift backtracer and ASan fight over a crashing process; libFuzzer and ASan report findings.
export SWIFT_BACKTRACE=enable=no
SWIFT=${SWIFT:-swift}

FLAGS=(-c release --build-path "$WORK" -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
       -Xswiftc -DFUZZING -Xcxx -fsanitize=fuzzer-no-link,address)
for t in $TARGETS; do
    "$SWIFT" build "${FLAGS[@]}" --product "$t" 2>&1 | grep -v "Cannot export local symbol" || true
    test -x "$WORK/release/$t" || { echo "fuzz: building $t failed" >&2; exit 1; }
done

rm -rf "$WORK/seeds"
python3 scripts/fuzz-seeds.py "$WORK/seeds" >/dev/null
mkdir -p "$WORK/findings"
# The targets run side by side (each is single-threaded); the summary waits for all of them.
run_target() {
    local t=$1 seeds corpus log
    case $t in FuzzModel) seeds="$WORK/seeds/models" ;; *) seeds="$WORK/seeds/maps" ;; esac
    corpus="$WORK/corpus/$t"
    log="$WORK/$t.log"
    mkdir -p "$corpus"
    echo "fuzz: $t, $RUNS executions (log $log)"
    # -malloc_limit_mb: a header claiming a huge box must be refused before any allocation of that size.
    "$WORK/release/$t" -runs="$RUNS" -max_len=4096 -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=256 \
        -print_final_stats=1 -artifact_prefix="$WORK/findings/$t-" "$corpus" "$seeds" >"$log" 2>&1
}
pids=()
for t in $TARGETS; do run_target "$t" & pids+=($!); done
status=0
summary=()
i=0
for t in $TARGETS; do
    log="$WORK/$t.log"
    if wait "${pids[$i]}"; then result="no finding"; else result="FINDING (see $log and $WORK/findings/)"; status=1; fi
    i=$((i + 1))
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    secs=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | grep -o 'in [0-9]*' | grep -o '[0-9]*' || echo "?")
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 || true)
    summary+=("$t: $runs executions in ${secs}s, $cov, $result")
done
printf 'fuzz: %s\n' "${summary[@]}"
exit $status
