"""Weights after each step of Keras 3's Lamb, Ftrl and Adafactor, and of its base optimizer's
use_ema and gradient_accumulation_steps, fed a fixed sequence of random gradients. Writes JSON to
stdout.

    /usr/bin/python3 tools/reference/make_optimizer_goldens.py > tests/Graft.Tests/Fixtures/reference/optimizer_goldens.json

Neither Keras nor any library on this machine implements these rules (PyTorch 1.13 has no Lamb,
Ftrl or Adafactor), so this is a float64 NumPy transcription of Keras's source, written from
keras/src/optimizers/{lamb,ftrl,adafactor,adam,base_optimizer}.py: update_step line by line, and
base_optimizer's apply (accumulate, or update with the mean gradient; then the moving averages,
with momentum 0 at iteration 0, and the overwrite every ema_overwrite_frequency iterations).
"""
import json

import numpy as np

rng = np.random.default_rng(15)
# A Conv1D kernel (three axes), a Dense kernel (two) and a bias (one): Adafactor factors the first
# two and keeps a full second moment for the third.
shapes = [(2, 3, 4), (3, 4), (4,)]
initial = [rng.standard_normal(s) * 0.5 for s in shapes]
STEPS = 7
grads = [[rng.standard_normal(s) * 0.3 for s in shapes] for _ in range(STEPS)]


def rms(x):
    return np.sqrt(np.mean(np.square(x)))


class Base:
    """keras/src/optimizers/base_optimizer.py: iterations, apply, EMA, gradient accumulation."""

    def __init__(self, lr, use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None, gradient_accumulation_steps=None):
        self.lr = lr
        self.use_ema = use_ema
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.steps = gradient_accumulation_steps
        self._iterations = 0

    @property
    def iterations(self):
        return self._iterations // self.steps if self.steps else self._iterations

    def build(self, ws):
        self.averages = [np.zeros_like(w) for w in ws]
        self.accumulators = [np.zeros_like(w) for w in ws]
        self.build_slots(ws)

    def apply(self, gs, ws):
        if self.steps:
            if (self._iterations + 1) % self.steps == 0:
                gs = [(g + a) / self.steps for g, a in zip(gs, self.accumulators)]
                for i in range(len(ws)):
                    ws[i] = self.update_step(gs[i], ws[i], i)
                self.accumulators = [np.zeros_like(a) for a in self.accumulators]
            else:
                self.accumulators = [g + a for g, a in zip(gs, self.accumulators)]
        else:
            for i in range(len(ws)):
                ws[i] = self.update_step(gs[i], ws[i], i)
        if self.use_ema:
            momentum = self.ema_momentum if self.iterations != 0 else 0.0
            self.averages = [momentum * a + (1 - momentum) * w for a, w in zip(self.averages, ws)]
            if self.ema_overwrite_frequency and (self.iterations + 1) % self.ema_overwrite_frequency == 0:
                for i in range(len(ws)):
                    ws[i] = self.averages[i].copy()
        self._iterations += 1


class Adam(Base):
    def __init__(self, lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **base):
        super().__init__(lr, **base)
        self.b1, self.b2, self.eps = beta_1, beta_2, epsilon

    def build_slots(self, ws):
        self.m = [np.zeros_like(w) for w in ws]
        self.v = [np.zeros_like(w) for w in ws]

    def update_step(self, g, w, i):
        t = self.iterations + 1
        alpha = self.lr * np.sqrt(1 - self.b2 ** t) / (1 - self.b1 ** t)
        self.m[i] += (g - self.m[i]) * (1 - self.b1)
        self.v[i] += (np.square(g) - self.v[i]) * (1 - self.b2)
        return w - self.m[i] * alpha / (np.sqrt(self.v[i]) + self.eps)


class Lamb(Base):
    def __init__(self, lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **base):
        super().__init__(lr, **base)
        self.b1, self.b2, self.eps = beta_1, beta_2, epsilon

    def build_slots(self, ws):
        self.m = [np.zeros_like(w) for w in ws]
        self.v = [np.zeros_like(w) for w in ws]

    def update_step(self, g, w, i):
        t = self.iterations + 1
        self.m[i] += (g - self.m[i]) * (1 - self.b1)
        self.v[i] += (np.square(g) - self.v[i]) * (1 - self.b2)
        m_hat = self.m[i] / (1 - self.b1 ** t)
        v_sqrt = np.sqrt(self.v[i] / (1 - self.b2 ** t)) + self.eps
        update = m_hat / v_sqrt
        w_norm, g_norm = np.sqrt(np.sum(w ** 2)), np.sqrt(np.sum(update ** 2))
        ratio = w_norm / g_norm if w_norm > 0 and g_norm > 0 else 1.0
        return w - ratio * self.lr * update


class Ftrl(Base):
    def __init__(self, lr=0.001, learning_rate_power=-0.5, initial_accumulator_value=0.1, l1_regularization_strength=0.0,
                 l2_regularization_strength=0.0, l2_shrinkage_regularization_strength=0.0, beta=0.0, **base):
        super().__init__(lr, **base)
        self.power, self.init = learning_rate_power, initial_accumulator_value
        self.l1, self.l2, self.shrink, self.beta = l1_regularization_strength, l2_regularization_strength, l2_shrinkage_regularization_strength, beta

    def build_slots(self, ws):
        self.accum = [np.full_like(w, self.init) for w in ws]
        self.linear = [np.zeros_like(w) for w in ws]

    def update_step(self, g, w, i):
        lr, p = self.lr, self.power
        l2 = self.l2 + self.beta / (2.0 * lr)
        grad_to_use = g + 2 * self.shrink * w
        accum = self.accum[i]
        new_accum = accum + np.square(g)
        self.linear[i] += grad_to_use - (np.power(new_accum, -p) - np.power(accum, -p)) / lr * w
        quadratic = np.power(new_accum, -p) / lr + 2 * l2
        linear_clipped = np.clip(self.linear[i], -self.l1, self.l1)
        self.accum[i] = new_accum
        return (linear_clipped - self.linear[i]) / quadratic


class Adafactor(Base):
    def __init__(self, lr=0.001, beta_2_decay=-0.8, epsilon_1=1e-30, epsilon_2=1e-3, clip_threshold=1.0, relative_step=True, **base):
        super().__init__(lr, **base)
        self.decay, self.eps1, self.eps2, self.clip, self.relative = beta_2_decay, epsilon_1, epsilon_2, clip_threshold, relative_step

    def build_slots(self, ws):
        self.r = [np.zeros(w.shape[:-1]) if w.ndim >= 2 else None for w in ws]
        self.c = [np.zeros(w.shape[:-2] + (w.shape[-1],)) if w.ndim >= 2 else None for w in ws]
        self.v = [np.zeros_like(w) for w in ws]

    def update_step(self, g, w, i):
        t = self.iterations + 1
        lr = self.lr
        if self.relative:  # a fixed rate here, never a schedule
            lr = min(lr, 1 / np.sqrt(t))
        rho = min(lr, 1 / np.sqrt(t))
        alpha = max(self.eps2, rms(w)) * rho
        sq = np.square(g) + self.eps1
        beta_2 = 1 - np.power(t, self.decay)
        if w.ndim >= 2:
            self.r[i] = beta_2 * self.r[i] + (1 - beta_2) * np.mean(sq, axis=-1)
            self.c[i] = beta_2 * self.c[i] + (1 - beta_2) * np.mean(sq, axis=-2)
            self.v[i] = np.expand_dims(self.r[i] / np.mean(self.r[i], axis=-1, keepdims=True), -1) * np.expand_dims(self.c[i], -2)
        else:
            self.v[i] = beta_2 * self.v[i] + (1 - beta_2) * sq
        u = g / np.sqrt(self.v[i])
        u_hat = u / max(1.0, rms(u) / self.clip)
        return w - alpha * u_hat


CASES = [
    ("lamb", {"learning_rate": 0.01}, Lamb, {"lr": 0.01}),
    ("lamb", {"learning_rate": 0.05, "beta_1": 0.8, "beta_2": 0.9, "epsilon": 1e-4}, Lamb, {"lr": 0.05, "beta_1": 0.8, "beta_2": 0.9, "epsilon": 1e-4}),
    ("ftrl", {"learning_rate": 0.1}, Ftrl, {"lr": 0.1}),
    ("ftrl", {"learning_rate": 0.2, "learning_rate_power": -0.7, "initial_accumulator_value": 0.3, "l1_regularization_strength": 0.02,
              "l2_regularization_strength": 0.05, "l2_shrinkage_regularization_strength": 0.01, "beta": 0.5},
     Ftrl, {"lr": 0.2, "learning_rate_power": -0.7, "initial_accumulator_value": 0.3, "l1_regularization_strength": 0.02,
            "l2_regularization_strength": 0.05, "l2_shrinkage_regularization_strength": 0.01, "beta": 0.5}),
    ("adafactor", {"learning_rate": 0.001}, Adafactor, {"lr": 0.001}),
    ("adafactor", {"learning_rate": 0.8, "beta_2_decay": -0.5, "epsilon_2": 0.01, "clip_threshold": 0.5},
     Adafactor, {"lr": 0.8, "beta_2_decay": -0.5, "epsilon_2": 0.01, "clip_threshold": 0.5}),
    ("adam", {"learning_rate": 0.01, "gradient_accumulation_steps": 3}, Adam, {"lr": 0.01, "gradient_accumulation_steps": 3}),
    ("adam", {"learning_rate": 0.01, "use_ema": True, "ema_momentum": 0.9}, Adam, {"lr": 0.01, "use_ema": True, "ema_momentum": 0.9}),
    ("lamb", {"learning_rate": 0.02, "use_ema": True, "ema_momentum": 0.8, "ema_overwrite_frequency": 3},
     Lamb, {"lr": 0.02, "use_ema": True, "ema_momentum": 0.8, "ema_overwrite_frequency": 3}),
    ("ftrl", {"learning_rate": 0.1, "use_ema": True, "ema_momentum": 0.7, "ema_overwrite_frequency": 2, "gradient_accumulation_steps": 2},
     Ftrl, {"lr": 0.1, "use_ema": True, "ema_momentum": 0.7, "ema_overwrite_frequency": 2, "gradient_accumulation_steps": 2}),
]

cases = []
for name, config, cls, kwargs in CASES:
    opt = cls(**kwargs)
    ws = [w.copy() for w in initial]
    opt.build(ws)
    steps = []
    for gs in grads:
        opt.apply(gs, ws)
        steps.append([w.ravel().tolist() for w in ws])
    cases.append({"optimizer": name, "config": config, "weights": steps,
                  "averages": [a.ravel().tolist() for a in opt.averages] if opt.use_ema else None})

print(json.dumps({
    "provenance": "float64 NumPy " + np.__version__ + " transcription of Keras 3's update rules, by tools/reference/make_optimizer_goldens.py",
    "shapes": [list(s) for s in shapes],
    "initial": [w.ravel().tolist() for w in initial],
    "gradients": [[g.ravel().tolist() for g in gs] for gs in grads],
    "cases": cases,
}))
