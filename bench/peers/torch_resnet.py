#!/usr/bin/env python3
"""PyTorch peer for Graft's `resnet` bench group: torchvision's ResNets on 224x224x3, batch 16,
2 threads, channels-last (PyTorch's fastest CPU layout). Prints one JSON line per case:
  resnet18_infer          eval mode, no_grad, images/s
  resnet18_train          SGD(0.01, momentum 0.9) + cross-entropy, BatchNorm in training mode, images/s
  resnet18_frozen_train   trunk frozen (eval mode, no grad), new Linear(512, 2) head trained: what a
                          Keras or PyTorch user runs for feature-extraction transfer; images/s per epoch
  resnet50_infer          as resnet18_infer, torchvision's ResNet50
  resnet18_train_memory   peak resident memory (VmHWM, MiB) of this process after 3 training steps as
                          in resnet18_train; run it alone in a fresh process (--cases resnet18_train_memory)
  gemm                    float32 torch.mm of 2048x2048 matrices, GFLOPS (best of --reps): the
                          machine's GEMM rate through the same BLAS
Usage: torch_resnet.py [--cases a,b] [--batch 16] [--size 224] [--reps 5]
Run with tuned OpenBLAS: LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp OPENBLAS_CORETYPE=SkylakeX
(Debian 12: apt-get install python3-torch python3-torchvision libopenblas0-openmp).

Provenance: the project's shared peer script torch_resnet.py (resnet18_* cases, unchanged), kept
here so the bench runs from this repository alone; resnet50_infer, resnet18_train_memory and gemm added for the bench.
"""
import argparse, json, resource, time
import torch, torchvision

p = argparse.ArgumentParser()
p.add_argument('--cases', default='resnet18_infer,resnet18_train,resnet18_frozen_train')
p.add_argument('--batch', type=int, default=16)
p.add_argument('--size', type=int, default=224)
p.add_argument('--reps', type=int, default=5)
a = p.parse_args()
torch.set_num_threads(2); torch.manual_seed(0)
B, S = a.batch, a.size
x = torch.randn(B, 3, S, S).to(memory_format=torch.channels_last)
y = torch.randint(0, 1000, (B,))

def rate(step, n_images):
    step(); ts = []
    for _ in range(a.reps):
        t = time.perf_counter(); step(); ts.append(time.perf_counter() - t)
    ts.sort(); return n_images / ts[len(ts) // 2]

for case in a.cases.split(','):
    if case == 'gemm':
        n = 2048
        ma, mb = torch.randn(n, n), torch.randn(n, n)
        torch.mm(ma, mb); best = float('inf')
        for _ in range(max(a.reps, 5)):
            t = time.perf_counter(); torch.mm(ma, mb); best = min(best, time.perf_counter() - t)
        print(json.dumps({'case': case, 'torch': round(2.0 * n ** 3 / best / 1e9, 2), 'unit': 'GFLOPS', 'n': n}), flush=True)
        continue
    m = (torchvision.models.resnet50() if case.startswith('resnet50') else torchvision.models.resnet18()).to(memory_format=torch.channels_last)
    if case in ('resnet18_infer', 'resnet50_infer'):
        m.eval()
        with torch.no_grad(): r = rate(lambda: m(x), B)
    elif case == 'resnet18_train':
        m.train(); opt = torch.optim.SGD(m.parameters(), lr=0.01, momentum=0.9); lf = torch.nn.CrossEntropyLoss()
        def step():
            opt.zero_grad(); lf(m(x), y).backward(); opt.step()
        r = rate(step, B)
    elif case == 'resnet18_train_memory':
        m.train(); opt = torch.optim.SGD(m.parameters(), lr=0.01, momentum=0.9); lf = torch.nn.CrossEntropyLoss()
        for _ in range(3):
            opt.zero_grad(); lf(m(x), y).backward(); opt.step()
        # VmHWM, not ru_maxrss: a process started by fork + exec reports its parent's peak in
        # ru_maxrss (Linux carries the old address space's high-water mark across exec), which
        # under the bench is the bench's own process.
        peak = None
        try:
            with open('/proc/self/status') as f:
                peak = next(int(l.split()[1]) for l in f if l.startswith('VmHWM:')) / 1024
        except (OSError, StopIteration):
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        print(json.dumps({'case': case, 'torch': round(peak, 1), 'unit': 'MiB', 'batch': B, 'size': S}), flush=True)
        continue
    elif case == 'resnet18_frozen_train':
        # one epoch over 64 images in batches of B: frozen trunk forward each step, head trained
        m.fc = torch.nn.Identity(); m.eval()
        for q in m.parameters(): q.requires_grad = False
        head = torch.nn.Linear(512, 2); opt = torch.optim.SGD(head.parameters(), lr=0.01); lf = torch.nn.CrossEntropyLoss()
        xs = torch.randn(64, 3, S, S).to(memory_format=torch.channels_last); ys = torch.randint(0, 2, (64,))
        def epoch():
            for i in range(0, 64, B):
                with torch.no_grad(): f = m(xs[i:i + B])
                opt.zero_grad(); lf(head(f), ys[i:i + B]).backward(); opt.step()
        r = rate(epoch, 64)
    else:
        raise SystemExit(f'unknown case {case}')
    print(json.dumps({'case': case, 'torch': round(r, 2), 'unit': 'images/s', 'batch': B, 'size': S}), flush=True)
