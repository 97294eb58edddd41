"""Shared by the peer scripts: options, thread settings, the fixed problem,
statistics and output.

This module imports no numeric library at module level: the thread settings
(environment variables read by OpenBLAS, OpenMP, MKL and XLA) must be in place
before numpy, torch or jax is first imported, so every peer script calls
`parse_args` first and imports its framework afterwards.
"""
import argparse
import json
import os
import platform
import statistics
import sys
import time

# The workload: identical in every framework (see ../README.md).
N = 256                      # samples in the one fixed batch
SIZES = (3, 64, 64, 64, 2)   # MLP 3 -> 64 -> 64 -> 64 -> 2, elu after all but the last layer
LR, BETA1, BETA2, EPS = 1e-3, 0.9, 0.999, 1e-8
SAMPLE_STEPS = 8             # midpoint steps over t in [0, 1]
FLOP_PER_STEP = 13.4e6       # forward 4.36 M + weight grads 4.36 M + input grads 4.26 M + the rest

THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
               "BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")


def parse_args(name, description, extra=None):
    p = argparse.ArgumentParser(prog=f"{name}_flow.py", description=description)
    p.add_argument("--steps", type=int, default=20000, help="training steps per run (default 20000)")
    p.add_argument("--reps", type=int, default=3, help="full training runs to time (default 3)")
    p.add_argument("--threads", type=int, default=1, help="CPU threads for the framework (default 1)")
    p.add_argument("--fwd-bwd-calls", type=int, default=1000,
                   help="timed forward+backward calls (default 1000)")
    p.add_argument("--sample-calls", type=int, default=200,
                   help="timed sampling calls (default 200)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    if extra:
        extra(p)
    args = p.parse_args()
    if args.threads < 1 or args.steps < 1 or args.reps < 1:
        p.error("--steps, --reps and --threads must be at least 1")
    set_threads(args.threads)
    return args


def set_threads(t):
    """Thread limits for every library the peers may load. Must run before their import."""
    for k in THREAD_VARS:
        os.environ[k] = str(t)
    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    flags = os.environ.get("XLA_FLAGS", "")
    if t == 1 and "xla_cpu_multi_thread_eigen" not in flags:
        # The usual recipe for a single-threaded XLA CPU backend.
        flags = (flags + " --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1").strip()
        os.environ["XLA_FLAGS"] = flags


def missing(name, err, args):
    """Report a framework that is not installed, without a traceback; exit code 3."""
    msg = f"{type(err).__name__}: {err}"
    if args.json:
        print(json.dumps({"name": name, "missing": msg, "threads": args.threads}))
    else:
        print(f"{name}: not installed ({msg})", file=sys.stderr)
    sys.exit(3)


def make_problem():
    """The fixed batch, the initial parameters and the sampling noise, as float32 numpy arrays.

    Layout is feature-major as in the tutorial: X is 3 x N = [t; x_t], Y is 2 x N,
    W_l is fan_out x fan_in, b_l is fan_out x 1. Every framework starts from exactly
    these numbers, so the final losses are comparable (up to float rounding order).
    """
    import numpy as np
    f32 = np.float32
    rng = np.random.default_rng(0)
    t = rng.random((1, N), dtype=f32)                       # t ~ U(0, 1)
    x0 = rng.standard_normal((2, N), dtype=f32)             # x0 ~ N(0, I)
    centre = np.where(np.arange(N) < N // 2, f32(1), f32(-1)).astype(f32)
    x1 = centre[None, :] + f32(0.05) * rng.standard_normal((2, N), dtype=f32)  # (1,1) / (-1,-1), std 0.05
    xt = (f32(1) - t) * x0 + t * x1
    X = np.ascontiguousarray(np.concatenate([t, xt], axis=0), dtype=f32)
    Y = np.ascontiguousarray(x1 - x0, dtype=f32)
    prng = np.random.default_rng(1)
    params = []
    for fan_in, fan_out in zip(SIZES[:-1], SIZES[1:]):
        bound = 1.0 / np.sqrt(fan_in)                       # PyTorch's default nn.Linear init
        W = prng.uniform(-bound, bound, (fan_out, fan_in)).astype(f32)
        b = prng.uniform(-bound, bound, (fan_out, 1)).astype(f32)
        params.append((W, b))
    noise = np.random.default_rng(2).standard_normal((2, N), dtype=f32)
    for a in [X, Y, noise] + [a for wb in params for a in wb]:
        assert a.dtype == np.float32
    return X, Y, params, noise


def near_clusters(samples):
    """Fraction of 2 x N samples within 0.25 of (1, 1) or (-1, -1): a sanity check of the sampler."""
    import numpy as np
    s = np.asarray(samples, dtype=np.float64)
    d1 = np.hypot(s[0] - 1, s[1] - 1)
    d2 = np.hypot(s[0] + 1, s[1] + 1)
    return float(np.mean(np.minimum(d1, d2) < 0.25))


def summary(values):
    return {"min": min(values), "median": statistics.median(values), "n": len(values)}


def time_calls(fn, calls, warmup):
    """Run fn warmup times, then time `calls` separate calls; seconds per call."""
    for _ in range(warmup):
        fn()
    out = []
    clock = time.perf_counter
    for _ in range(calls):
        t0 = clock()
        fn()
        out.append(clock() - t0)
    return out


def result(name, version, args, train_s, fwd_bwd_s, sample_s, final_loss, samples, **extra):
    r = {
        "name": name,
        "version": version,
        "threads": args.threads,
        "steps": args.steps,
        "reps": args.reps,
        "train_s": summary(train_s),
        "step_us": summary([s * 1e6 / args.steps for s in train_s]),
        "fwd_bwd_us": summary([s * 1e6 for s in fwd_bwd_s]),
        "sample_ms": summary([s * 1e3 for s in sample_s]),
        "final_loss": float(final_loss),
        "sample_near_clusters": near_clusters(samples),
        "python": platform.python_version(),
        "env": {k: os.environ.get(k) for k in
                ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OMP_NUM_THREADS",
                 "OPENBLAS_NUM_THREADS", "XLA_FLAGS")},
    }
    r["gflops_train"] = FLOP_PER_STEP / (r["step_us"]["min"] * 1e-6) / 1e9
    r.update(extra)
    return r


def emit(r, args):
    if args.json:
        print(json.dumps(r))
        return
    print(f"{r['name']} {r['version']}, {r['threads']} thread(s), python {r['python']}")
    for k, v in r.items():
        if k.startswith("compile_") and isinstance(v, float):
            print(f"  {k:<26} {v:9.3f} s   (excluded from the timings below)")
    rows = [("training %d steps" % r["steps"], r["train_s"], "s", 1),
            ("per step", r["step_us"], "µs", 1),
            ("forward+backward", r["fwd_bwd_us"], "µs", 1),
            ("sampling (8 midpoint)", r["sample_ms"], "ms", 1)]
    print(f"  {'measurement':<26} {'min':>10} {'median':>10}  unit  (n)")
    for label, s, unit, _ in rows:
        print(f"  {label:<26} {s['min']:10.3f} {s['median']:10.3f}  {unit:<4}  ({s['n']})")
    print(f"  {'training GFLOP/s (min)':<26} {r['gflops_train']:10.1f}")
    print(f"  final loss {r['final_loss']:.6f}; samples near a cluster {r['sample_near_clusters']:.0%}")
    for k in ("blas", "note"):
        if k in r:
            print(f"  {k}: {r[k]}")
