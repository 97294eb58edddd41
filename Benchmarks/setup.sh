#!/usr/bin/env bash
# One command: creates Benchmarks/.venv and installs the peer frameworks pinned in
# requirements.txt (JAX on CPU, PyTorch, numpy, threadpoolctl). Safe to run again.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/.venv"
python="${PYTHON:-python3}"

if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
pip=("$venv/bin/python" -m pip)
"${pip[@]}" install --upgrade pip

if ! "${pip[@]}" install -r "$here/requirements.txt"; then
  # The CPU-only torch wheel is not always to be had from the package index:
  # take the default build of the same version instead (it pulls CUDA libraries).
  echo "setup.sh: torch==2.13.0+cpu not available; installing the default torch==2.13.0 wheel" >&2
  grep -v '^torch==' "$here/requirements.txt" > "$venv/requirements-no-torch.txt"
  "${pip[@]}" install -r "$venv/requirements-no-torch.txt"
  "${pip[@]}" install "torch==2.13.0"
fi

"$venv/bin/python" - <<'PY'
import importlib
for name in ("numpy", "jax", "jaxlib", "torch", "threadpoolctl"):
    try:
        print(f"{name:14} {importlib.import_module(name).__version__}")
    except Exception as e:  # report, do not fail: compare.py reports a missing peer too
        print(f"{name:14} MISSING ({e})")
PY
echo "Benchmarks/.venv is ready: run Benchmarks/run.sh"
