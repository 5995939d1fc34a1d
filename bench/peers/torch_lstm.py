#!/usr/bin/env python3
"""PyTorch side of Graft's `seq` benchmark: LSTM(64) over sequences of length 100, batch 32.

Same task as bench/Graft.Bench/LstmBench.cs: inputs (N, 100, 32) from a normal distribution,
nn.LSTM(32, 64, batch_first=True), last state -> Linear(64, 10), cross-entropy, SGD 1e-3,
reshuffled every epoch. Prints one JSON line with the median training samples/s over the timed
epochs. torch picks its fastest CPU LSTM path itself (the fused aten kernel; MKL-DNN when built in).
"""
import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Encoder(nn.Module):
    def __init__(self, features, units, classes):
        super().__init__()
        self.lstm = nn.LSTM(features, units, batch_first=True)
        self.head = nn.Linear(units, classes)

    def forward(self, x):
        _, (h, _) = self.lstm(x)
        return self.head(h[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", type=int, default=2048)
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--features", type=int, default=32)
    ap.add_argument("--units", type=int, default=64)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    gen = torch.Generator().manual_seed(0)
    torch.manual_seed(0)
    x = torch.randn(args.samples, args.steps, args.features, generator=gen)
    y = torch.randint(0, 10, (args.samples,), generator=gen)
    model = Encoder(args.features, args.units, 10)
    opt = torch.optim.SGD(model.parameters(), lr=1e-3)

    rates = []
    for epoch in range(1 + args.epochs):          # the first epoch is the warm-up
        model.train()
        start = time.perf_counter()
        perm = torch.randperm(args.samples, generator=gen)
        xs, ys = x[perm], y[perm]
        for i in range(0, args.samples, args.batch):
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(xs[i:i + args.batch]), ys[i:i + args.batch])
            loss.backward()
            opt.step()
        if epoch > 0:
            rates.append(args.samples / (time.perf_counter() - start))
    rates.sort()
    print(json.dumps({"case": "lstm64_t100_b32", "train_samples_per_s": rates[len(rates) // 2],
                      "torch": torch.__version__, "threads": torch.get_num_threads(),
                      "mkldnn": torch.backends.mkldnn.is_available()}))


if __name__ == "__main__":
    main()
