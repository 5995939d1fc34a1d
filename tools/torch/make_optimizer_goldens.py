"""Weights after each step of PyTorch's Adamax and Adadelta fed a fixed sequence of random
gradients, for the optimizers PyTorch has under Keras's update rule. Writes JSON to stdout.

    /usr/bin/python3 tools/torch/make_optimizer_goldens.py > tests/Graft.Tests/Fixtures/torch/optimizer_goldens.json

Made with Debian's python3-torch 1.13.1 (CPU, float64). PyTorch's Adamax adds epsilon inside the
running maximum (max(b2*u, |g| + eps)) where Keras adds it to the denominator (u + eps); with
gradients of order 0.1 and eps 1e-7 the two differ by under 1e-6 relative.
"""
import json

import torch

torch.manual_seed(15)
w0 = torch.randn(6, dtype=torch.float64)
grads = [torch.randn(6, dtype=torch.float64) * 0.3 for _ in range(5)]

cases = []
for name, make, config in [
    ("adamax", lambda p: torch.optim.Adamax([p], lr=0.01, betas=(0.9, 0.999), eps=1e-7), {"learning_rate": 0.01, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7}),
    ("adamax", lambda p: torch.optim.Adamax([p], lr=0.05, betas=(0.8, 0.9), eps=1e-7), {"learning_rate": 0.05, "beta_1": 0.8, "beta_2": 0.9, "epsilon": 1e-7}),
    ("adadelta", lambda p: torch.optim.Adadelta([p], lr=1.0, rho=0.95, eps=1e-6), {"learning_rate": 1.0, "rho": 0.95, "epsilon": 1e-6}),
    ("adadelta", lambda p: torch.optim.Adadelta([p], lr=0.5, rho=0.8, eps=1e-4), {"learning_rate": 0.5, "rho": 0.8, "epsilon": 1e-4}),
]:
    p = torch.nn.Parameter(w0.clone())
    opt = make(p)
    steps = []
    for g in grads:
        p.grad = g.clone()
        opt.step()
        steps.append(p.detach().tolist())
    cases.append({"optimizer": name, "config": config, "weights": steps})

print(json.dumps({
    "provenance": "PyTorch " + torch.__version__ + " (Debian python3-torch), float64, by tools/torch/make_optimizer_goldens.py",
    "initial": w0.tolist(),
    "gradients": [g.tolist() for g in grads],
    "cases": cases,
}))
