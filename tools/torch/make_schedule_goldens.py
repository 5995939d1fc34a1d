"""Learning rates at steps 0, 1, 2, ... of PyTorch's schedulers that compute what a Keras 3 schedule
computes, with the Keras schedule and config each stands for. Writes JSON to stdout.

    /usr/bin/python3 tools/torch/make_schedule_goldens.py > tests/Graft.Tests/Fixtures/torch/schedule_goldens.json

Made with Debian's python3-torch 1.13.1. The rate at step s is the optimizer's learning rate after s
calls of scheduler.step(), the rate the (s + 1)-th update uses, as Keras evaluates its schedule at
the optimizer's iteration count before the update.

- CosineAnnealingWarmRestarts(T_0, T_mult, eta_min) is Keras's
  CosineDecayRestarts(initial_learning_rate, first_decay_steps=T_0, t_mul=T_mult, m_mul=1,
  alpha=eta_min / initial_learning_rate): both give eta_min + (lr - eta_min) (1 + cos(pi t / T_i)) / 2
  within the i-th period. PyTorch counts the steps of a period with integers (T_cur), where Keras
  finds the period from a logarithm, so the two are independent at the restarts.
- PolynomialLR(total_iters, power) is Keras's PolynomialDecay(initial_learning_rate,
  decay_steps=total_iters, end_learning_rate=0, power, cycle=False). PyTorch 1.13 steps it by a ratio
  of successive factors; the cases stop where that ratio would divide zero by zero.

Keras options PyTorch has no scheduler for (m_mul, end_learning_rate, cycle, InverseTimeDecay) are
in tests/Graft.Tests/Fixtures/reference/schedule_goldens.json.
"""
import json

import torch


def rates(make, steps, lr):
    p = torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))
    opt = torch.optim.SGD([p], lr=lr)
    sched = make(opt)
    out = []
    for _ in range(steps):
        out.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return out


cases = []
for lr, t0, tmul, eta, steps in [(0.1, 10, 1, 0.01, 35), (0.5, 5, 2, 0.0, 40), (0.2, 4, 3, 0.02, 60)]:
    cases.append({
        "class_name": "CosineDecayRestarts",
        "config": {"initial_learning_rate": lr, "first_decay_steps": t0, "t_mul": float(tmul), "m_mul": 1.0, "alpha": eta / lr},
        "torch": f"CosineAnnealingWarmRestarts(T_0={t0}, T_mult={tmul}, eta_min={eta})",
        "learning_rates": rates(lambda o: torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=t0, T_mult=tmul, eta_min=eta), steps, lr),
    })
for lr, total, power in [(0.1, 12, 1.0), (0.3, 9, 2.0), (0.05, 15, 0.5)]:
    cases.append({
        "class_name": "PolynomialDecay",
        "config": {"initial_learning_rate": lr, "decay_steps": total, "end_learning_rate": 0.0, "power": power, "cycle": False},
        "torch": f"PolynomialLR(total_iters={total}, power={power})",
        "learning_rates": rates(lambda o: torch.optim.lr_scheduler.PolynomialLR(o, total_iters=total, power=power), total + 1, lr),
    })

print(json.dumps({
    "provenance": "PyTorch " + torch.__version__ + " (Debian python3-torch) schedulers, by tools/torch/make_schedule_goldens.py",
    "cases": cases,
}, indent=1))
