"""Loss values PyTorch computes on random cases, for the losses PyTorch has under the same
definition as Keras. Writes JSON to stdout: one entry per case with its inputs and PyTorch's
per-sample values and mean.

    /usr/bin/python3 tools/torch/make_loss_goldens.py > tests/Graft.Tests/Fixtures/torch/loss_goldens.json

Made with Debian's python3-torch 1.13.1 and python3-torchvision 0.14.1 (CPU, float64).
"""
import json

import torch
import torch.nn.functional as F
import torchvision

torch.manual_seed(15)
EPS = 1e-7
cases = []


def add(name, config, y_true, y_pred, per_sample):
    cases.append({
        "name": name,
        "config": config,
        "y_true": y_true.tolist(),
        "y_pred": y_pred.tolist(),
        "per_sample": per_sample.tolist(),
        "mean": float(per_sample.mean()),
    })


rows, cols = 5, 4
# Poisson: torch's poisson_nll_loss with log_input=False is input - target * log(input + eps).
y = torch.poisson(torch.rand(rows, cols, dtype=torch.float64) * 4)
p = torch.rand(rows, cols, dtype=torch.float64) * 3 + 0.05
add("poisson", {}, y, p, F.poisson_nll_loss(p, y, log_input=False, eps=EPS, reduction="none").mean(-1))

# Cosine similarity loss: minus torch's cosine_similarity (norms far from its eps on these inputs).
y = torch.randn(rows, cols, dtype=torch.float64)
p = torch.randn(rows, cols, dtype=torch.float64)
add("cosine_similarity", {}, y, p, -F.cosine_similarity(y, p, dim=-1))

# KL divergence: torch's kl_div takes log-probabilities as input.
y = torch.softmax(torch.randn(rows, cols, dtype=torch.float64), -1)
p = torch.softmax(torch.randn(rows, cols, dtype=torch.float64), -1)
add("kl_divergence", {}, y, p, F.kl_div(p.log(), y, reduction="none").sum(-1))

# Huber with delta 1.5.
y = torch.randn(rows, cols, dtype=torch.float64) * 2
p = torch.randn(rows, cols, dtype=torch.float64) * 2
add("huber", {"delta": 1.5}, y, p, F.huber_loss(p, y, delta=1.5, reduction="none").mean(-1))

# Binary focal cross-entropy from logits: torchvision's sigmoid_focal_loss is Lin et al.'s loss,
# alpha weighting t*alpha + (1-t)*(1-alpha) (Keras's apply_class_balancing). Keras clamps the
# probabilities to [eps, 1-eps]; the logits here stay within +-3 so the clamp never acts.
y = (torch.rand(rows, cols, dtype=torch.float64) > 0.5).double()
z = torch.randn(rows, cols, dtype=torch.float64) * 1.5
z = z.clamp(-3, 3)
add("binary_focal_crossentropy", {"from_logits": True, "gamma": 2.0, "apply_class_balancing": False}, y, z,
    torchvision.ops.sigmoid_focal_loss(z, y, alpha=-1, gamma=2.0, reduction="none").mean(-1))
add("binary_focal_crossentropy", {"from_logits": True, "gamma": 1.5, "apply_class_balancing": True, "alpha": 0.3}, y, z,
    torchvision.ops.sigmoid_focal_loss(z, y, alpha=0.3, gamma=1.5, reduction="none").mean(-1))

# Sparse categorical cross-entropy from logits with an ignored class: torch's ignore_index gives 0
# for ignored targets and its mean divides by the number of the others, as Keras's does.
n, classes = 8, 5
ids = torch.randint(0, classes, (n,))
ids[torch.tensor([1, 4, 5])] = -1
z = torch.randn(n, classes, dtype=torch.float64) * 2
per = F.cross_entropy(z, ids, ignore_index=-1, reduction="none")
cases.append({
    "name": "sparse_categorical_crossentropy",
    "config": {"from_logits": True, "ignore_class": -1},
    "y_true": ids.double().tolist(),
    "y_pred": z.tolist(),
    "per_sample": per.tolist(),
    "mean": float(F.cross_entropy(z, ids, ignore_index=-1, reduction="mean")),
})

print(json.dumps({
    "provenance": "PyTorch " + torch.__version__ + ", torchvision " + torchvision.__version__
                  + " (Debian python3-torch), float64, by tools/torch/make_loss_goldens.py",
    "cases": cases,
}, indent=1))
