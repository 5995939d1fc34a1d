#!/usr/bin/env bash
# JPEGs SkiaSharp's encoder cannot write (progressive, arithmetic-coded, with restart markers), for
# the decoder tests. Needs Debian's libjpeg-turbo-progs (cjpeg) and python3. Run from the
# repository root: bash tests/Graft.Tests/Fixtures/jpeg/make_jpegs.sh
set -euo pipefail
out=tests/Graft.Tests/Fixtures/jpeg
ppm="$(mktemp)"
trap 'rm -f "$ppm"' EXIT
# A 61 x 47 image: a gradient per channel plus seeded noise, so many coefficients are nonzero.
python3 - "$ppm" <<'PY'
import random, sys
w, h = 61, 47
random.seed(1)
pixels = bytearray()
for y in range(h):
    for x in range(w):
        n = random.randrange(48)
        pixels += bytes(((x * 200 // w + n) & 255, (y * 200 // h + n) & 255, random.randrange(256)))
open(sys.argv[1], "wb").write(b"P6 %d %d 255\n" % (w, h) + bytes(pixels))
PY
cjpeg -quality 90 -progressive -sample 2x1 "$ppm" > "$out/progressive_422.jpg"
cjpeg -quality 90 -arithmetic "$ppm" > "$out/arithmetic_420.jpg"
cjpeg -quality 90 -restart 2 -sample 1x1 "$ppm" > "$out/restart_444.jpg"
cjpeg -quality 90 -grayscale -progressive "$ppm" > "$out/progressive_gray.jpg"
