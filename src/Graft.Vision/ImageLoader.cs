using System.Buffers;
using Graft.Tensors;

namespace Graft.Vision;

/// <summary>
/// How an <see cref="ImageDataset"/> reads its files: decode, convert the channels, resize (after a
/// centred crop if asked), and the label in its mode; for one image (<see cref="Load"/>) or into a
/// batch's slot (<see cref="DecodeInto"/>, <see cref="Labels"/>).
/// </summary>
internal sealed class ImageLoader(int channels, int height, int width, string interpolation, bool crop, string labelMode, int classes)
{
    /// <summary>(height, width, channels) of a decoded image.</summary>
    public int[] ImageShape { get; } = [height, width, channels];

    /// <summary>Decodes <paramref name="path"/> and writes its resized pixels to <paramref name="dst"/> (height × width × channels values).</summary>
    public void DecodeInto(string path, Span<float> dst)
    {
        var pixels = ImageDecoder.DecodeRented(path, channels, out int h, out int w);
        try { ImageResizer.ResizeInto(dst, pixels, h, w, channels, crop, height, width, interpolation); }
        finally { ArrayPool<byte>.Shared.Return(pixels); }
    }

    /// <summary>One image and its label, as tensors.</summary>
    public (Tensor X, Tensor Y) Load((string Path, int Label) item)
    {
        var image = new float[height * width * channels];
        DecodeInto(item.Path, image);
        return (Tensor.Wrap(image, new Shape(ImageShape)), Label(item.Label));
    }

    /// <summary>The labels of a batch in the label mode: (n,) class indices, (n, classes) one-hot, or (n, 1) for "binary".</summary>
    public Tensor Labels(int[] labels)
    {
        int n = labels.Length;
        return labelMode switch
        {
            "categorical" => Tensor.Wrap(OneHot(labels), new Shape(n, classes)),
            "binary" => Tensor.Wrap(labels.Select(l => (float)l).ToArray(), new Shape(n, 1)),
            _ => Tensor.Wrap(labels.Select(l => (float)l).ToArray(), new Shape(n)),
        };
    }

    private Tensor Label(int label) => labelMode switch
    {
        "categorical" => Tensor.Wrap(OneHot([label]), new Shape(classes)),
        "binary" => Tensor.Wrap([label], new Shape(1)),
        _ => ScalarLabel(label),
    };

    private static Tensor ScalarLabel(int label)
    {
        // Outside any scope: the label outlives the training step that reads it.
        using (TensorScope.Suspend()) return Tensor.Scalar(label);
    }

    private float[] OneHot(int[] labels)
    {
        var result = new float[labels.Length * classes];
        for (int i = 0; i < labels.Length; i++) result[i * classes + labels[i]] = 1f;
        return result;
    }
}
