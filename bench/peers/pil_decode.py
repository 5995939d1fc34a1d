#!/usr/bin/env python3
"""Pillow peer for Graft's `image` bench group: decode the JPEGs under --dir (class subfolders, as
image_dataset_from_directory reads them) and resize each to --size x --size, as float32 RGB arrays
(what Keras's dataset yields). Prints one JSON line:
  {"case": "image_decode_224", "pil": images/s with --workers processes, "pil_1": images/s in one process}
Each figure is the best of --reps passes over all files. Pillow decodes one image per thread, so
the --workers figure (a multiprocessing pool, as a PyTorch DataLoader with num_workers does) is the
one that uses every core.
Usage: pil_decode.py --dir DIR [--size 224] [--reps 3] [--workers 2]
Debian 12: apt-get install python3-pil python3-numpy.
"""
import argparse, json, os, time
from multiprocessing import Pool

import numpy as np
from PIL import Image

p = argparse.ArgumentParser()
p.add_argument('--dir', required=True)
p.add_argument('--size', type=int, default=224)
p.add_argument('--reps', type=int, default=3)
p.add_argument('--workers', type=int, default=2)
a = p.parse_args()

files = sorted(os.path.join(root, f) for root, _, names in os.walk(a.dir) for f in names
               if f.lower().endswith(('.jpg', '.jpeg')))


def load(path):
    with Image.open(path) as im:
        # Bilinear, as Keras's default interpolation; Pillow's filter widens with the scale (antialiasing).
        return np.asarray(im.convert('RGB').resize((a.size, a.size), Image.BILINEAR), dtype=np.float32)


def best(run):
    run()
    times = []
    for _ in range(a.reps):
        t = time.perf_counter(); run(); times.append(time.perf_counter() - t)
    return len(files) / min(times)


single = best(lambda: [load(f) for f in files])
with Pool(a.workers) as pool:
    parallel = best(lambda: pool.map(load, files, chunksize=8))
print(json.dumps({'case': f'image_decode_{a.size}', 'pil': round(parallel, 1), 'pil_1': round(single, 1),
                  'workers': a.workers, 'files': len(files)}), flush=True)
