"""FlowLab's tutorial workload in JAX: the whole training loop jitted (lax.fori_loop).

Adam is written by hand (no optax), with bias correction, as in torch.optim.Adam.
Compilation is timed separately (compile_*_s) and excluded from every timing.
Run with --help for the options; see ../README.md for what is measured.
"""
import functools
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402  (sets thread variables before jax is imported)

args = common.parse_args("jax", __doc__.splitlines()[0])

try:
    import numpy as np
    import jax
    import jax.numpy as jnp
    from jax import lax
except ImportError as e:
    common.missing("jax", e, args)

N, L = common.N, len(common.SIZES) - 1
LR, B1, B2, EPS = common.LR, common.BETA1, common.BETA2, common.EPS
f32 = jnp.float32


def mlp(params, x):
    h = x
    for i, (W, b) in enumerate(params):
        h = W @ h + b
        if i < L - 1:
            h = jax.nn.elu(h)
    return h


def loss_fn(params, X, Y):
    d = mlp(params, X) - Y
    return jnp.sum(d * d) / N


def train(params, X, Y, steps):
    zeros = jax.tree_util.tree_map(jnp.zeros_like, params)

    def body(i, carry):
        p, m, v, _ = carry
        loss, g = jax.value_and_grad(loss_fn)(p, X, Y)
        k = (i + 1).astype(f32)
        m = jax.tree_util.tree_map(lambda m, g: B1 * m + (1 - B1) * g, m, g)
        v = jax.tree_util.tree_map(lambda v, g: B2 * v + (1 - B2) * (g * g), v, g)
        step_size = LR / (1 - jnp.power(f32(B1), k))
        sqrt_c2 = jnp.sqrt(1 - jnp.power(f32(B2), k))
        p = jax.tree_util.tree_map(lambda p, m, v: p - step_size * m / (jnp.sqrt(v) / sqrt_c2 + EPS), p, m, v)
        return p, m, v, loss

    p, _, _, loss = lax.fori_loop(0, steps, body, (params, zeros, zeros, f32(0)))
    return p, loss


def sample(params, x):
    dt = 1.0 / common.SAMPLE_STEPS

    def v(t, x):
        return mlp(params, jnp.concatenate([jnp.full((1, N), t, f32), x], axis=0))

    for i in range(common.SAMPLE_STEPS):       # 8 steps, unrolled at trace time
        t = i * dt
        k1 = (dt / 2) * v(t, x)
        x = x + dt * v(t + dt / 2, x + k1)
    return x


def main():
    Xn, Yn, params_n, noise_n = common.make_problem()
    X, Y, noise = jnp.asarray(Xn), jnp.asarray(Yn), jnp.asarray(noise_n)
    params0 = [(jnp.asarray(W), jnp.asarray(b)) for W, b in params_n]
    jax.block_until_ready((X, Y, noise, params0))

    t0 = time.perf_counter()
    train_c = jax.jit(functools.partial(train, steps=args.steps)).lower(params0, X, Y).compile()
    compile_train = time.perf_counter() - t0

    train_s = []
    for _ in range(args.reps):
        t0 = time.perf_counter()
        params, last_loss = jax.block_until_ready(train_c(params0, X, Y))
        train_s.append(time.perf_counter() - t0)

    t0 = time.perf_counter()
    vg = jax.jit(jax.value_and_grad(loss_fn)).lower(params0, X, Y).compile()
    sample_c = jax.jit(sample).lower(params, noise).compile()
    compile_other = time.perf_counter() - t0

    final_loss = float(jax.jit(loss_fn)(params, X, Y))
    fwd_bwd_s = common.time_calls(lambda: jax.block_until_ready(vg(params, X, Y)),
                                  args.fwd_bwd_calls, warmup=20)
    sample_s = common.time_calls(lambda: jax.block_until_ready(sample_c(params, noise)),
                                 args.sample_calls, warmup=10)
    samples = np.asarray(sample_c(params, noise))
    assert samples.dtype == np.float32 and all(a.dtype == f32 for wb in params for a in wb)

    import jaxlib
    r = common.result("jax", jax.__version__, args, train_s, fwd_bwd_s, sample_s, final_loss, samples,
                      compile_train_s=compile_train, compile_fwd_bwd_and_sample_s=compile_other,
                      jaxlib=getattr(jaxlib, "__version__", "?"),
                      last_step_loss=float(last_loss),
                      note="Adam by hand; fwd+bwd and sampling are jitted calls timed from Python, "
                           "so they include dispatch")
    common.emit(r, args)


if __name__ == "__main__":
    main()
