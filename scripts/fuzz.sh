#!/usr/bin/env bash
# `make fuzz`: builds the libFuzzer targets (Sources/Fuzz*, -sanitize=fuzzer,address) in .build/fuzz and runs
# each for FUZZ_RUNS executions (default 1,000,000), seeded from the fixtures (scripts/fuzz-seeds.py).
# FuzzMapFile is the slow one (bzip2 sets up megabytes per input): FUZZ_WORKERS=3 shares it out.
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
# The targets run side by side (each process is single-threaded). FUZZ_WORKERS > 1 splits each target's
# executions over that many processes sharing one corpus (-reload); the summary adds their counts.
WORKERS=${FUZZ_WORKERS:-1}
run_worker() {
    local t=$1 w=$2 seeds corpus
    case $t in FuzzModel) seeds="$WORK/seeds/models" ;; *) seeds="$WORK/seeds/maps" ;; esac
    corpus="$WORK/corpus/$t"
    mkdir -p "$corpus"
    # -malloc_limit_mb: a header claiming a huge box must be refused before any allocation of that size.
    "$WORK/release/$t" -runs=$(( (RUNS + WORKERS - 1) / WORKERS )) -reload=1 -max_len=4096 -timeout=10 \
        -rss_limit_mb=2048 -malloc_limit_mb=256 -print_final_stats=1 -artifact_prefix="$WORK/findings/$t-" \
        "$corpus" "$seeds" >"$WORK/$t.$w.log" 2>&1
}
pids=()
for t in $TARGETS; do
    echo "fuzz: $t, $RUNS executions in $WORKERS process(es) (logs $WORK/$t.*.log)"
    for w in $(seq 1 "$WORKERS"); do run_worker "$t" "$w" & pids+=($!); done
done
status=0
summary=()
i=0
for t in $TARGETS; do
    result="no finding"; runs=0; secs=0
    for w in $(seq 1 "$WORKERS"); do
        log="$WORK/$t.$w.log"
        if ! wait "${pids[$i]}"; then result="FINDING (see $log and $WORK/findings/)"; status=1; fi
        i=$((i + 1))
        n=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
        s=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | grep -o 'in [0-9]*' | grep -o '[0-9]*' || echo 0)
        runs=$((runs + n)); secs=$(( s > secs ? s : secs ))
    done
    cov=$(cat "$WORK/$t".*.log | grep -o 'cov: [0-9]*' | sort -t' ' -k2 -n | tail -1 || true)
    summary+=("$t: $runs executions in ${secs}s, $cov, $result")
done
printf 'fuzz: %s\n' "${summary[@]}"
exit $status
