#!/usr/bin/env bash
# Remakes every lab's reference figures and summary with the solutions track:
#
#   scripts/make-figures.sh            # into figures/lab1 … figures/lab5 (commit the result)
#   scripts/make-figures.sh /tmp/figs  # into /tmp/figs/lab1 … (to look before replacing)
#
# Release build (in .build-release, so it does not disturb your debug build),
# then each runner with the options its reference uses; the same options are
# used by Tests/FiguresTests, which checks that figures/ is what this makes.
# Lab 4 trains with --compare (both batch recipes, lab4-batches.png) and
# writes lab4-params.bin, which lab 5 samples from. Stops at the first failure.
set -euo pipefail

root_arg="${1:-figures}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mkdir -p "$root_arg"
root="$(cd "$root_arg" && pwd)"
cd "$repo"
# Inside the repository, use the path relative to it: lab 5 records the
# --params path in lab5.json, and it should read figures/lab4/lab4-params.bin.
case "$root" in "$repo"/*) root="${root#"$repo"/}" ;; "$repo") root="." ;; esac

echo "== building the solutions track (release)"
FLOWLAB_TRACK=solutions swift build -c release --scratch-path .build-release
bin="$(FLOWLAB_TRACK=solutions swift build -c release --scratch-path .build-release --show-bin-path)"

run() {
  local lab="$1"; shift
  echo "== $lab $*  →  $root/$lab"
  local start=$SECONDS
  "$bin/$lab" --out "$root/$lab" "$@"
  echo "   ($lab took $((SECONDS - start)) s)"
}

run lab1
run lab2
run lab3
run lab4 --compare
run lab5 --params "$root/lab4/lab4-params.bin"

echo "== done: reference figures and summaries in $root/lab1 … $root/lab5"
