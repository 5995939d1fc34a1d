"""Writes the .npz fixtures from two .npy files that NumPy wrote (see ../keras/MANIFEST.md).

NumPy is not needed: this writes the archives exactly as np.savez and np.savez_compressed do
(numpy/lib/_npyio_impl.py, _savez): a zipfile.ZipFile opened with allowZip64=True, one entry
"<key>.npy" per array written with force_zip64=True, ZIP_STORED for savez and ZIP_DEFLATED for
savez_compressed. The entries hold the original .npy bytes unchanged.
"""
import zipfile

KERAS = "../keras/k2.1.3_dl4j_cnn_batch_norm"
x = open(KERAS + ".input.npy", "rb").read()      # float64 (5, 10, 10, 3)
y = open(KERAS + ".expected.npy", "rb").read()   # float32 (5, 1)


def savez(path, named, compression):
    with zipfile.ZipFile(path, mode="w", compression=compression, allowZip64=True) as zipf:
        for key, npy in named:
            with zipf.open(key + ".npy", "w", force_zip64=True) as fid:
                fid.write(npy)


savez("cnn_batch_norm_named.npz", [("x", x), ("y", y)], zipfile.ZIP_STORED)                  # np.savez(f, x=x, y=y)
savez("cnn_batch_norm_positional_compressed.npz", [("arr_0", x), ("arr_1", y)], zipfile.ZIP_DEFLATED)  # np.savez_compressed(f, x, y)
