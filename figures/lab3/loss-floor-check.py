# figures/lab3/loss-floor-check.py — run: python3 figures/lab3/loss-floor-check.py (numpy; ~1 min)
# Independent check of the exact marginal field and the flow-matching loss floor
# for the tutorial's data (means ±(1,1), s = 0.05, noise N(0, I)), float64 numpy.
import numpy as np
rng = np.random.default_rng(12345)
M = np.array([[1.0, 1.0], [-1.0, -1.0]])  # K×2
s = 0.05

def field(t, x):  # x: n×2
    v = (1 - t)**2 + t**2 * s**2
    slope = (t * s**2 - (1 - t)) / v
    d = x[:, None, :] - t * M[None, :, :]          # n×K×2
    logw = -(d**2).sum(-1) / (2 * v)
    logw -= logw.max(1, keepdims=True)
    w = np.exp(logw); w /= w.sum(1, keepdims=True)
    cond = M[None] + slope * d
    return (w[..., None] * cond).sum(1)

def sample(n):
    k = rng.integers(0, 2, n)
    x1 = M[k] + s * rng.standard_normal((n, 2))
    x0 = rng.standard_normal((n, 2))
    return x0, x1

# 1. brute-force check of the formula: E[x1 − x0 | x_t in a small ball around x]
for t, x in [(0.0, (0.3, -0.2)), (0.3, (0.5, 0.2)), (0.5, (0.1, -0.1)), (0.5, (0.6, 0.5)), (0.8, (-0.7, -0.9)), (0.9, (0.85, 0.95))]:
    x0, x1 = sample(4_000_000)
    xt = (1 - t) * x0 + t * x1
    r = 0.03
    sel = ((xt - np.array(x))**2).sum(1) < r * r
    mc = (x1 - x0)[sel].mean(0)
    print(f"t={t} x={x}: exact {field(t, np.array([x]))[0]}, MC {mc} (n in ball {sel.sum()})")

# 2. loss floor, Monte Carlo: E‖(x1 − x0) − u_t(x_t)‖², t ~ U(0, 1)
n = 4_000_000
x0, x1 = sample(n)
t = rng.random(n)
xt = (1 - t)[:, None] * x0 + t[:, None] * x1
# field with a per-sample t
v = (1 - t)**2 + t**2 * s**2
slope = (t * s**2 - (1 - t)) / v
d = xt[:, None, :] - t[:, None, None] * M[None]
logw = -(d**2).sum(-1) / (2 * v[:, None]); logw -= logw.max(1, keepdims=True)
w = np.exp(logw); w /= w.sum(1, keepdims=True)
u = (w[..., None] * (M[None] + slope[:, None, None] * d)).sum(1)
res = ((x1 - x0 - u)**2).sum(1)
print(f"floor MC: {res.mean():.4f} ± {res.std() / np.sqrt(n):.4f}")

# 3. floor by quadrature over t: floor(t) = E‖D‖² − E‖u_t(x_t)‖², E‖D‖² = 4 + 2s²
nodes, wts = np.polynomial.legendre.leggauss(200)
# more resolution near t = 1, where the floor jumps over a width ~ s: split [0,0.8] and [0.8,1]
total = 0.0
per_t = {}
for a, b in [(0, 0.8), (0.8, 0.97), (0.97, 1.0)]:
    for z, wq in zip(nodes, wts):
        tt = a + (b - a) * (z + 1) / 2
        x0, x1 = sample(100_000)
        xt = (1 - tt) * x0 + tt * x1
        f = ((x1 - x0 - field(tt, xt))**2).sum(1).mean()
        total += wq * (b - a) / 2 * f
print(f"floor quadrature: {total:.4f}")
for tt in [0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99]:
    x0, x1 = sample(400_000)
    xt = (1 - tt) * x0 + tt * x1
    print(f"  floor(t={tt}) = {((x1 - x0 - field(tt, xt))**2).sum(1).mean():.4f}")

# 4. the design used in Tests/Lab3Tests (200 midpoint levels of t, 2000 pairs each)
L, m = 200, 2000
vals = []
for rep in range(5):
    per = []
    for j in range(L):
        tt = (j + 0.5) / L
        x0, x1 = sample(m)
        xt = (1 - tt) * x0 + tt * x1
        per.append(((x1 - x0 - field(tt, xt))**2).sum(1).mean())
    vals.append(np.mean(per))
print("test design (5 repeats):", np.round(vals, 4), "spread (std):", np.std(vals))
# midpoint rule with many samples per level (bias of the 200-level rule)
per = []
for j in range(L):
    tt = (j + 0.5) / L
    x0, x1 = sample(40_000)
    xt = (1 - tt) * x0 + tt * x1
    per.append(((x1 - x0 - field(tt, xt))**2).sum(1).mean())
print("200-level midpoint rule, 40k/level:", np.mean(per))
