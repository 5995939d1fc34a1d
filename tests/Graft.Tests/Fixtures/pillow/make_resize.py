"""Pillow's float resizes of one Fashion-MNIST image, the reference for ImageDataset's resizing.

Upscaling only: there Pillow's BILINEAR and BICUBIC (Keys, a = -0.5, out-of-image taps dropped and
the rest renormalized) compute what TensorFlow's tf.image.resize does for Keras with half-pixel
centres and no antialiasing. (Downscaling differs: Pillow antialiases, TensorFlow does not.)

Run from the repository root with Debian's python3-pil and python3-numpy:
    /usr/bin/python3 tests/Graft.Tests/Fixtures/pillow/make_resize.py
"""
import gzip
import numpy as np
from PIL import Image

with gzip.open("data/fashion-mnist/t10k-images-idx3-ubyte.gz") as f:
    images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28)
with gzip.open("data/fashion-mnist/t10k-labels-idx1-ubyte.gz") as f:
    labels = np.frombuffer(f.read(), np.uint8, offset=8)
image = images[np.flatnonzero(labels == 5)[2]].astype(np.float32)  # the third sandal of the test set

for name, method in (("bilinear", Image.BILINEAR), ("bicubic", Image.BICUBIC)):
    for height, width in ((56, 56), (40, 36)):
        out = np.asarray(Image.fromarray(image, mode="F").resize((width, height), method), dtype=np.float32)
        np.savetxt(f"tests/Graft.Tests/Fixtures/pillow/sandal2_{name}_{height}x{width}.csv", out, fmt="%.6f", delimiter=",")
