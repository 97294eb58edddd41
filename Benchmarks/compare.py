#!/usr/bin/env python3
"""FlowLab against JAX, PyTorch and numpy on the tutorial's workload, in one run.

Runs FlowLab's release benchmark (`FLOWLAB_TRACK=solutions swift run -c release
bench --json`) and each peer script (peers/*_flow.py --json) one after another on
this machine, then prints one table: rows are the measurements, columns the
frameworks, with each peer's time divided by FlowLab's. A peer that is not
installed, or a FlowLab bench that does not build, is reported, not fatal.

Uses only the standard library; the peers run in Benchmarks/.venv (./setup.sh)
when it exists, else in this Python.
"""
import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
PEERS = {"jax": "JAX", "torch": "PyTorch", "numpy": "numpy"}
# The environment may set these for old OpenBLAS builds; they slow a current numpy.
# Unset, both together, for the peers' processes only (never in tests or CI).
OPENBLAS_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")

ROWS = [  # key, label, unit
    ("train_s", "training ({steps} steps)", "s"),
    ("step_us", "per step", "µs"),
    ("fwd_bwd_us", "forward+backward", "µs"),
    ("sample_ms", "sampling (256 pts, 8 midpoint steps)", "ms"),
]


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def sh(cmd, **kw):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=60, **kw).stdout.strip()
    except Exception:
        return ""


def machine():
    info = {"cpu": "?", "cores": os.cpu_count(), "usable_cores": len(os.sched_getaffinity(0))}
    try:
        with open("/proc/cpuinfo") as f:
            cpuinfo = f.read()
        for line in cpuinfo.splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        flags = next((l.split(":", 1)[1].split() for l in cpuinfo.splitlines() if l.startswith("flags")), [])
        info["simd"] = " ".join(f for f in ("avx512f", "avx2", "fma", "avx") if f in flags) or "none of avx/fma"
        fam = next((l.split(":", 1)[1].strip() for l in cpuinfo.splitlines() if l.startswith("cpu family")), "?")
        mod = next((l.split(":", 1)[1].strip() for l in cpuinfo.splitlines() if l.startswith("model\t")), "?")
        info["family_model"] = f"{fam}/{mod}"
    except OSError:
        info["cpu"] = platform.processor() or "?"
    lscpu = sh(["lscpu"])
    for line in lscpu.splitlines():
        if line.startswith("Model name:") and info["cpu"] in ("?", ""):
            info["cpu"] = line.split(":", 1)[1].strip()
        if line.startswith("Hypervisor vendor:"):
            info["hypervisor"] = line.split(":", 1)[1].strip()
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
        info["memory"] = f"{kb / 2**20:.0f} GiB"
    except Exception:
        pass
    info["os"] = f"{platform.system()} {platform.release()}"
    info["swift"] = (sh(["swift", "--version"]).splitlines() or ["not found"])[0]
    info["load_avg_start"] = os.getloadavg()
    info["parent_env"] = {k: os.environ.get(k) for k in OPENBLAS_VARS}
    return info


def last_json(text):
    for line in reversed(text.splitlines()):
        line = line.strip()
        if line.startswith("{") and line.endswith("}"):
            try:
                return json.loads(line)
            except ValueError:
                continue
    return None


def tail(text, n=6):
    return "\n".join(text.strip().splitlines()[-n:])


def run_flowlab(args):
    """Build, then run, FlowLab's bench. Returns a result dict or {'missing': why}."""
    if not shutil.which("swift"):
        return {"missing": "swift not found"}
    env = dict(os.environ, FLOWLAB_TRACK="solutions")
    scratch = ["--scratch-path", args.scratch_path] if args.scratch_path else []
    log("FlowLab: swift build -c release --product bench ...")
    t0 = time.perf_counter()
    try:
        b = subprocess.run(["swift", "build", "-c", "release", "--product", "bench"] + scratch,
                           cwd=REPO, env=env, capture_output=True, text=True, timeout=args.timeout)
    except subprocess.TimeoutExpired:
        return {"missing": "FlowLab bench not built (swift build timed out)"}
    if b.returncode != 0:
        errors = [l.strip() for l in (b.stdout + "\n" + b.stderr).splitlines() if "error:" in l]
        return {"missing": "FlowLab bench not built",
                "detail": (errors[0] if errors else tail(b.stdout + "\n" + b.stderr, 2))}
    log(f"FlowLab: built in {time.perf_counter() - t0:.0f} s; running bench --json")
    cmd = ["swift", "run", "-c", "release", "--skip-build"] + scratch + ["bench", "--json"] + bench_flags(args)
    return run_json(cmd, env, args.timeout, "flowlab")


def bench_flags(args):
    flags = ["--threads", str(args.threads)]
    if args.steps is not None:
        flags += ["--steps", str(args.steps)]
    if args.reps is not None:
        flags += ["--reps", str(args.reps)]
    return flags


def run_json(cmd, env, timeout, name):
    try:
        p = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"failed": f"timed out after {timeout} s"}
    except OSError as e:
        return {"failed": str(e)}
    r = last_json(p.stdout)
    if p.returncode == 3 and r and "missing" in r:
        return {"missing": r["missing"]}
    if p.returncode != 0 or r is None:
        return {"failed": f"exit {p.returncode}: {tail(p.stderr or p.stdout, 4)}"}
    if "name" not in r:
        r["name"] = name
    return r


def peer_python(args):
    if args.python:
        return args.python
    venv = os.path.join(HERE, ".venv", "bin", "python")
    return venv if os.path.exists(venv) else sys.executable


def run_peer(name, args):
    env = {k: v for k, v in os.environ.items() if k not in OPENBLAS_VARS}
    cmd = [peer_python(args), os.path.join(HERE, "peers", f"{name}_flow.py"), "--json"] + bench_flags(args)
    log(f"{PEERS[name]}: {' '.join(cmd[1:])}")
    return run_json(cmd, env, args.timeout, name)


def combine(rounds):
    """Several rounds of one framework: minimum of minima, median of medians."""
    ok = [r for r in rounds if "missing" not in r and "failed" not in r]
    if not ok:
        return rounds[-1]
    out = dict(ok[-1])
    for key, _, _ in ROWS:
        stats = [r[key] for r in ok if isinstance(r.get(key), dict)]
        if stats:
            out[key] = {"min": min(s["min"] for s in stats),
                        "median": statistics.median(s["median"] for s in stats),
                        "n": sum(s.get("n", 1) for s in stats)}
    out["rounds"] = len(ok)
    return out


def fmt_time(x, unit):
    if x is None:
        return "—"
    if unit == "s":
        return f"{x:.3f} s"
    if unit == "ms":
        return f"{x:.3f} ms"
    return f"{x:.1f} µs"


def get(r, key, stat):
    v = r.get(key)
    if isinstance(v, dict) and isinstance(v.get(stat), (int, float)):
        return float(v[stat])
    return None


def table(results, order, steps, stat):
    ours = results.get("flowlab", {})
    head = ["measurement", "FlowLab"]
    for name in order:
        head += [PEERS[name], f"{PEERS[name]} / FlowLab"]
    lines = [head]
    for key, label, unit in ROWS:
        base = get(ours, key, stat)
        row = [label.format(steps=steps), fmt_time(base, unit)]
        for name in order:
            v = get(results[name], key, stat)
            row.append(fmt_time(v, unit))
            row.append(f"{v / base:.2f}×" if v is not None and base else "—")
        lines.append(row)
    # Arithmetic rate of training and the final loss, for the record.
    gf = ["training GFLOP/s (13.4 MFLOP/step)"]
    loss = ["final loss (sanity)"]
    for name in ["flowlab"] + order:
        su = get(results.get(name, {}), "step_us", stat)
        gf.append(f"{13.4e6 / (su * 1e-6) / 1e9:.1f}" if su else "—")
        fl = results.get(name, {}).get("final_loss")
        loss.append(f"{fl:.4g}" if isinstance(fl, (int, float)) else "—")
        if name != "flowlab":
            gf.append("")
            loss.append("")
    lines += [gf, loss]
    widths = [max(len(str(r[i])) for r in lines) for i in range(len(head))]
    out = []
    for j, r in enumerate(lines):
        out.append("| " + " | ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)
                                     for i, (c, w) in enumerate(zip(r, widths))) + " |")
        if j == 0:
            out.append("|" + "|".join("-" * (w + 1) + (":" if i else "-") for i, w in enumerate(widths)) + "|")
    return "\n".join(out)


def status(name, r):
    if "missing" in r:
        return f"{name}: MISSING ({r['missing']}{'; ' + r['detail'] if r.get('detail') else ''})"
    if "failed" in r:
        return f"{name}: FAILED ({r['failed']})"
    return None


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, choices=(1, 2), default=1, help="threads for every framework")
    p.add_argument("--steps", type=int, help="training steps (default: each program's, 20000)")
    p.add_argument("--reps", type=int, help="training runs per program (default: each program's, 3)")
    p.add_argument("--rounds", type=int, default=1,
                   help="run the whole set this many times, interleaved; min of minima, median of medians")
    p.add_argument("--peers", default="jax,torch,numpy", help="comma-separated subset of jax,torch,numpy")
    p.add_argument("--no-flowlab", action="store_true", help="skip FlowLab's bench")
    p.add_argument("--scratch-path", help="swift --scratch-path for FlowLab's build")
    p.add_argument("--python", help="interpreter for the peers (default: Benchmarks/.venv, else this one)")
    p.add_argument("--timeout", type=int, default=3600, help="seconds allowed to each program")
    p.add_argument("--json-out", help="also write every raw result and the machine to this file")
    args = p.parse_args()
    order = [n for n in args.peers.split(",") if n]
    for n in order:
        if n not in PEERS:
            p.error(f"unknown peer {n!r}")
    steps = args.steps or 20000

    info = machine()
    rounds = {k: [] for k in ["flowlab"] + order}
    started = time.strftime("%Y-%m-%d %H:%M:%S")
    for i in range(args.rounds):
        if args.rounds > 1:
            log(f"--- round {i + 1} of {args.rounds}")
        if not args.no_flowlab:
            rounds["flowlab"].append(run_flowlab(args))
        for n in order:
            rounds[n].append(run_peer(n, args))
    info["load_avg_end"] = os.getloadavg()
    results = {k: combine(v) for k, v in rounds.items() if v}
    if args.no_flowlab:
        results["flowlab"] = {"missing": "skipped (--no-flowlab)"}

    print(f"# FlowLab vs JAX, PyTorch, numpy — {started}, {args.threads} thread(s)")
    print()
    print(f"Machine: {info['cpu']} (family/model {info.get('family_model', '?')}; {info.get('simd', '')}), "
          f"{info['cores']} cores ({info['usable_cores']} usable), {info.get('memory', '?')} RAM"
          f"{', ' + info['hypervisor'] + ' guest' if info.get('hypervisor') else ''}; {info['os']}")
    print(f"Swift: {info['swift']}")
    vers = []
    for n in order:
        r = results[n]
        if "version" in r:
            extra = f" (jaxlib {r['jaxlib']})" if r.get("jaxlib") else ""
            vers.append(f"{PEERS[n]} {r['version']}{extra}")
    py = next((results[n].get("python") for n in order if results[n].get("python")), None)
    if vers:
        print(f"Python {py}: " + ", ".join(vers))
    if isinstance(results.get("numpy", {}).get("blas"), list):
        for b in results["numpy"]["blas"]:
            print(f"numpy BLAS: {b.get('internal_api')} {b.get('version')}, kernel {b.get('architecture')}, "
                  f"{b.get('num_threads')} thread(s)")
    print(f"Load average: {' '.join(f'{x:.2f}' for x in info['load_avg_start'])} at start, "
          f"{' '.join(f'{x:.2f}' for x in info['load_avg_end'])} at end "
          f"(a shared machine: compare ratios, not absolute times)")
    pe = info["parent_env"]
    if any(pe.values()):
        print(f"OPENBLAS_CORETYPE={pe['OPENBLAS_CORETYPE']} OPENBLAS_L2_SIZE={pe['OPENBLAS_L2_SIZE']} "
              f"set in this environment: unset for the Python peers only")
    for n in ["flowlab"] + order:
        if n in results:
            s = status("FlowLab" if n == "flowlab" else PEERS[n], results[n])
            if s:
                print(s)
    print()
    for stat in ("min", "median"):
        print(f"{'Minimum' if stat == 'min' else 'Median'} over repetitions"
              f"{' and rounds' if args.rounds > 1 else ''} (ratio > 1: the peer is slower than FlowLab):")
        print()
        print(table(results, order, steps, stat))
        print()
    comp = [f"JAX compile {results['jax']['compile_train_s']:.2f} s for the training loop, "
            f"{results['jax'].get('compile_fwd_bwd_and_sample_s', 0):.2f} s for forward+backward and sampling"
            ] if isinstance(results.get("jax", {}).get("compile_train_s"), float) else []
    for c in comp:
        print(f"Not in the timings: {c}.")
    print("forward+backward and sampling are medians/minima of single calls; training is the whole run.")

    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump({"machine": info, "args": vars(args), "results": results, "rounds": rounds}, f, indent=1)
        log(f"raw results written to {args.json_out}")


if __name__ == "__main__":
    main()
