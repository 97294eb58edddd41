"""FlowLab's tutorial workload in numpy: forward, backward and Adam written by hand, float32.

Thread count goes to OpenBLAS/OpenMP through environment variables set before
numpy is imported; the BLAS kernel actually in use is reported (threadpoolctl).
Run with --help for the options; see ../README.md for what is measured.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402  (sets thread variables before numpy is imported)

args = common.parse_args("numpy", __doc__.splitlines()[0])

try:
    import numpy as np
except ImportError as e:
    common.missing("numpy", e, args)

N, L = common.N, len(common.SIZES) - 1
LR, B1, B2, EPS = common.LR, common.BETA1, common.BETA2, common.EPS
f32 = np.float32


def elu(z):
    # elu(z) = z for z > 0, e^z - 1 otherwise; e^z - 1 >= z everywhere, so a max does it.
    h = np.expm1(np.minimum(z, f32(0)))
    return np.maximum(z, h, out=h)


def forward(params, X):
    """Output and the inputs of every layer (hs[0] = X, hs[i] = elu output feeding layer i)."""
    hs = [X]
    h = X
    for i, (W, b) in enumerate(params):
        z = W @ h
        z += b
        h = elu(z) if i < L - 1 else z
        if i < L - 1:
            hs.append(h)
    return h, hs


def loss_and_grads(params, X, Y):
    out, hs = forward(params, X)
    diff = out - Y
    loss = np.vdot(diff, diff) / N
    d = diff * f32(2.0 / N)                     # dLoss/dout
    grads = [None] * L
    for i in reversed(range(L)):
        W, _ = params[i]
        gW = d @ hs[i].T
        gb = d.sum(axis=1, keepdims=True)
        grads[i] = (gW, gb)
        if i > 0:                                # no gradient into the input batch
            dh = W.T @ d
            h = hs[i]                            # elu'(z) = 1 for z > 0, elu(z) + 1 otherwise
            d = dh * (np.minimum(h, f32(0)) + f32(1))
    return loss, grads


def new_state(params_n):
    params = [(W.copy(), b.copy()) for W, b in params_n]
    m = [(np.zeros_like(W), np.zeros_like(b)) for W, b in params_n]
    v = [(np.zeros_like(W), np.zeros_like(b)) for W, b in params_n]
    return params, m, v


def train(state, X, Y, steps, k0=0):
    params, m, v = state
    loss = None
    for k in range(k0 + 1, k0 + steps + 1):
        loss, grads = loss_and_grads(params, X, Y)
        step_size = LR / (1 - B1 ** k)            # as torch.optim.Adam
        sqrt_c2 = (1 - B2 ** k) ** 0.5
        for pl, gl, ml, vl in zip(params, grads, m, v):
            for p, g, mm, vv in zip(pl, gl, ml, vl):
                mm *= f32(B1)
                mm += f32(1 - B1) * g
                vv *= f32(B2)
                vv += f32(1 - B2) * (g * g)
                denom = np.sqrt(vv)
                denom *= f32(1 / sqrt_c2)
                denom += f32(EPS)
                p -= f32(step_size) * mm / denom
    return loss


def sample(params, x):
    dt = 1.0 / common.SAMPLE_STEPS
    inp = np.empty((3, N), dtype=f32)
    for i in range(common.SAMPLE_STEPS):
        t = i * dt
        inp[0] = t
        inp[1:] = x
        k1 = f32(dt / 2) * forward(params, inp)[0]
        inp[0] = t + dt / 2
        inp[1:] = x + k1
        x = x + f32(dt) * forward(params, inp)[0]
    return x


def blas_info():
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "threadpoolctl not installed"
    return [{k: d.get(k) for k in ("internal_api", "version", "architecture", "num_threads", "threading_layer")}
            for d in threadpool_info() if d.get("user_api") == "blas"]


def main():
    X, Y, params_n, noise = common.make_problem()

    warm = new_state(params_n)
    train(warm, X, Y, 50)                        # warm-up, not timed

    train_s = []
    for _ in range(args.reps):
        state = new_state(params_n)              # same start every run
        t0 = time.perf_counter()
        last_loss = train(state, X, Y, args.steps)
        train_s.append(time.perf_counter() - t0)
    params = state[0]

    final_loss, grads = loss_and_grads(params, X, Y)
    fwd_bwd_s = common.time_calls(lambda: loss_and_grads(params, X, Y), args.fwd_bwd_calls, warmup=20)
    sample_s = common.time_calls(lambda: sample(params, noise), args.sample_calls, warmup=10)
    samples = sample(params, noise)

    arrays = [a for wb in params + grads + state[1] + state[2] for a in wb] + [samples]
    dtypes = sorted({str(a.dtype) for a in arrays} | {str(np.asarray(final_loss).dtype)})
    if dtypes != ["float32"]:
        print(f"numpy: warning: dtypes {dtypes}, expected float32 only", file=sys.stderr)

    r = common.result("numpy", np.__version__, args, train_s, fwd_bwd_s, sample_s, final_loss, samples,
                      last_step_loss=float(last_loss), dtypes=dtypes, blas=blas_info(),
                      note="backprop and Adam by hand, in-place updates")
    common.emit(r, args)


if __name__ == "__main__":
    main()
