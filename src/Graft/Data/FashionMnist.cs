using Graft.Tensors;

namespace Graft.Data;

/// <summary>
/// Fashion-MNIST (Zalando, MIT): 60,000 training and 10,000 test images of 28×28 gray pixels in 10
/// classes, like <c>keras.datasets.fashion_mnist.load_data()</c>: pixels 0..255 as float32, labels as class ids.
/// </summary>
public static class FashionMnist
{
    /// <summary>The four file names of the standard distribution.</summary>
    public static readonly string[] Files =
        ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"];

    /// <summary>Class names by id.</summary>
    public static readonly string[] ClassNames =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>Loads ((xTrain, yTrain), (xTest, yTest)) from <paramref name="directory"/>.</summary>
    /// <exception cref="FileNotFoundException">A file is missing; the message says which and where to put it.</exception>
    public static ((Tensor X, Tensor Y) Train, (Tensor X, Tensor Y) Test) Load(string directory)
    {
        foreach (var f in Files)
            if (!File.Exists(Path.Combine(directory, f)))
                throw new FileNotFoundException($"FashionMnist: expected {f} in {Path.GetFullPath(directory)}, got no such file. Put the four files ({string.Join(", ", Files)}) there.", Path.Combine(directory, f));
        Tensor Read(int i) => Idx.Load(Path.Combine(directory, Files[i]));
        return ((Read(0), Read(1)), (Read(2), Read(3)));
    }
}
