#!/usr/bin/env bash
# Where you are in the course: for each lab, how many of its tests pass, fail
# or are not attempted yet, and the next exercise to write.
#
#   scripts/progress.sh          # your code (Labs/)
#
# It builds the tests, then runs each lab's suite on its own (`swift test
# --filter LabNTests.`), so a lab that traps does not hide the others.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

echo "building the tests…"
if ! swift build --build-tests > /tmp/flowlab-progress-build.txt 2>&1; then
  grep -E "error:" /tmp/flowlab-progress-build.txt | head -20
  echo "the build failed: fix the errors above first"; exit 1
fi

printf '\nFlowLab progress (%s)\n\n' "${FLOWLAB_TRACK:-labs}"
for n in 1 2 3 4 5; do
  out=$(swift test --skip-build --filter "Lab${n}Tests\\." 2>&1)
  passed=$(grep -c '^✔ Test "' <<<"$out")
  failed=$(grep -c '^✘ Test "[^"]*" failed' <<<"$out")
  todo=$(grep -c 'was cancelled' <<<"$out")
  total=$((passed + failed + todo))
  bar=""
  for ((i = 0; i < 20; i++)); do
    if ((total > 0 && i * total < 20 * passed)); then bar+="█"; else bar+="·"; fi
  done
  line=$(printf 'lab%s  %s  %2d/%-2d passed' "$n" "$bar" "$passed" "$total")
  ((failed > 0)) && line+=", $failed failing"
  ((todo > 0)) && line+=", $todo not attempted"
  next=$(grep -o 'not attempted yet: [^"]*' <<<"$out" | sort | uniq -c | sort -rn | head -1 | sed -E 's/^ *[0-9]+ not attempted yet: //')
  if ((failed > 0)); then
    first=$(grep -m1 -A1 '^✘ Test "[^"]*" recorded an issue' <<<"$out" | tail -1 | sed 's/^↳ //')
    line+=$'\n'"      first failure: ${first}"
  elif [ -n "$next" ]; then
    line+=$'\n'"      most tests wait on: ${next}"
  elif ((total > 0)); then
    line+="  ✓ done"
  fi
  echo "$line"
done
printf '\nDetails: swift test --filter LabN   ·   run a lab: swift run labN\n'
