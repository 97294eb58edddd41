"""FlowLab's tutorial workload in PyTorch eager: nn.Sequential, autograd, torch.optim.Adam.

Batch-major as PyTorch expects (inputs N x 3, nn.Linear computes x W^T + b): the
same arithmetic as FlowLab's feature-major W X + b, transposed.
Run with --help for the options; see ../README.md for what is measured.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402  (sets thread variables before torch is imported)

args = common.parse_args("torch", __doc__.splitlines()[0], extra=lambda p: p.add_argument(
    "--adam", choices=("default", "foreach", "fused"), default="default",
    help="torch.optim.Adam implementation: default (what a learner gets: the per-tensor loop "
         "on CPU), foreach or fused"))

try:
    import numpy as np
    import torch
    from torch import nn
except ImportError as e:
    common.missing("torch", e, args)

torch.set_num_threads(args.threads)
try:
    torch.set_num_interop_threads(args.threads)
except RuntimeError:
    pass
N = common.N
ADAM_KW = {"default": {}, "foreach": {"foreach": True}, "fused": {"fused": True}}[args.adam]


def build_model(params_n):
    layers = []
    for i, (W, b) in enumerate(params_n):
        lin = nn.Linear(W.shape[1], W.shape[0])
        layers.append(lin)
        if i < len(params_n) - 1:
            layers.append(nn.ELU())
    model = nn.Sequential(*layers)
    return model


def load(model, params_n):
    lins = [m for m in model if isinstance(m, nn.Linear)]
    with torch.no_grad():
        for lin, (W, b) in zip(lins, params_n):
            lin.weight.copy_(torch.from_numpy(W))
            lin.bias.copy_(torch.from_numpy(b[:, 0]))


def loss_fn(model, X, Y):
    d = model(X) - Y
    return (d * d).sum() / N


def train(model, X, Y, steps):
    opt = torch.optim.Adam(model.parameters(), lr=common.LR,
                           betas=(common.BETA1, common.BETA2), eps=common.EPS, **ADAM_KW)
    loss = None
    for _ in range(steps):
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model, X, Y)
        loss.backward()
        opt.step()
    return loss


def sample(model, x):
    dt = 1.0 / common.SAMPLE_STEPS
    with torch.inference_mode():
        for i in range(common.SAMPLE_STEPS):
            t = i * dt
            k1 = (dt / 2) * model(torch.cat([torch.full((N, 1), t), x], dim=1))
            x = x + dt * model(torch.cat([torch.full((N, 1), t + dt / 2), x + k1], dim=1))
    return x


def main():
    Xn, Yn, params_n, noise_n = common.make_problem()
    X = torch.from_numpy(np.ascontiguousarray(Xn.T))          # N x 3
    Y = torch.from_numpy(np.ascontiguousarray(Yn.T))          # N x 2
    noise = torch.from_numpy(np.ascontiguousarray(noise_n.T))  # N x 2
    model = build_model(params_n)

    load(model, params_n)
    train(model, X, Y, 50)                                    # warm-up, not timed

    train_s = []
    for _ in range(args.reps):
        load(model, params_n)                                 # same start every run
        t0 = time.perf_counter()
        last_loss = train(model, X, Y, args.steps)
        train_s.append(time.perf_counter() - t0)

    with torch.no_grad():
        final_loss = float(loss_fn(model, X, Y))

    def fwd_bwd():
        model.zero_grad(set_to_none=True)
        loss_fn(model, X, Y).backward()

    fwd_bwd_s = common.time_calls(fwd_bwd, args.fwd_bwd_calls, warmup=20)
    sample_s = common.time_calls(lambda: sample(model, noise), args.sample_calls, warmup=10)
    samples = sample(model, noise).numpy().T
    assert samples.dtype == np.float32 and all(p.dtype == torch.float32 for p in model.parameters())

    r = common.result("torch", torch.__version__, args, train_s, fwd_bwd_s, sample_s, final_loss, samples,
                      torch_threads=torch.get_num_threads(),
                      last_step_loss=float(last_loss.detach()),
                      adam=args.adam,
                      note=f"eager; torch.optim.Adam ({args.adam} implementation)")
    common.emit(r, args)


if __name__ == "__main__":
    main()
