#!/usr/bin/env bash
# One command: FlowLab's release bench and the JAX, PyTorch and numpy peers in the
# same run, one table with ratios. Options go to compare.py (--threads 1|2,
# --steps, --reps, --rounds, --peers, --no-flowlab, --json-out FILE; --help).
# Set up the peers once with ./setup.sh.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
py="$here/.venv/bin/python"
[ -x "$py" ] || py="$(command -v python3)"
# compare.py itself unsets OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE for the Python
# peers' processes only (see README.md, "Fairness").
exec "$py" "$here/compare.py" "$@"
