#!/usr/bin/env bash
# Times regeneration on a full Level 0 report of a phantom or fixture map: `render` (templates refilled from
# metrics.json, PDF recompiled; target < 5 s) and `figures` (every figure redrawn from OUTDIR/data;
# target < 3 s). Usage: scripts/bench-regen.sh [MAP THRESHOLD RESOLUTION]  (default: the bundled daq fixture)
set -euo pipefail
BIN=${BIN:-.build/release/emvalidate}
MAP=${1:-Fixtures/daq/2566_3J6B_9.mrc}; T=${2:-0.2}; R=${3:-3.2}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$BIN" report "$MAP" --threshold "$T" --resolution "$R" -q -o "$work/out"
"$BIN" templates export "$work/tpl" 2>/dev/null
sed -i 's/\\caption{<<caption>>}/\\caption{Edited: <<caption>>}/' "$work/tpl/figure.tex"
now() { date +%s.%N; }
# An edited caption, so that LaTeX really runs (an unchanged report.tex is left alone by latexmk).
t0=$(now); "$BIN" render "$work/out" --templates "$work/tpl" -q; t1=$(now)
"$BIN" figures "$work/out" --colormap magma -q; t2=$(now)
"$BIN" figures "$work/out" -q; t3=$(now)
awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" 'BEGIN {
  printf "render (metrics.json -> PDF)      %6.2f s  (target < 5 s)\n", b - a
  printf "figures --colormap magma          %6.2f s  (target < 3 s)\n", c - b
  printf "figures (defaults)                %6.2f s  (target < 3 s)\n", d - c }'
