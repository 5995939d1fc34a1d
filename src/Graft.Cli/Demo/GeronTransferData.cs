using Graft.Tensors;

namespace Graft.Cli.Demo;

/// <summary>
/// The splits of Géron's transfer-learning experiment (Hands-On Machine Learning, chapter 11):
/// pixels scaled to [0, 1]; validation = the first 5,000 training images; task A = the 8 classes
/// other than sandal (5) and shirt (6), renumbered 0..7; task B = "is it a shirt?" on sandals and
/// shirts, with only the first 200 training images.
/// </summary>
internal sealed class GeronTransferData
{
    /// <summary>Task A: (train, valid, test).</summary>
    public required (Tensor X, Tensor Y) TrainA, ValidA, TestA;
    /// <summary>Task B: (train, valid, test); train has 200 images.</summary>
    public required (Tensor X, Tensor Y) TrainB, ValidB, TestB;

    /// <summary>Builds the splits from Fashion-MNIST as <c>load_data()</c> returns it.</summary>
    public static GeronTransferData From(((Tensor X, Tensor Y) Train, (Tensor X, Tensor Y) Test) fashion, int trainBSize = 200)
    {
        var (xFull, yFull) = fashion.Train;
        var xTrain = xFull[5000..] / 255f; var yTrain = yFull[5000..];
        var xValid = xFull[..5000] / 255f; var yValid = yFull[..5000];
        var (trainA, trainB) = Split(xTrain, yTrain);
        var (validA, validB) = Split(xValid, yValid);
        var (testA, testB) = Split(fashion.Test.X / 255f, fashion.Test.Y);
        int n = Math.Min(trainBSize, trainB.X.Shape[0]);
        return new GeronTransferData
        {
            TrainA = trainA, ValidA = validA, TestA = testA,
            TrainB = (trainB.X[..n], trainB.Y[..n]), ValidB = validB, TestB = testB,
        };
    }

    /// <summary>Géron's <c>split_dataset</c>.</summary>
    public static ((Tensor X, Tensor Y) A, (Tensor X, Tensor Y) B) Split(Tensor x, Tensor y)
    {
        var labels = y.ToArray();
        var a = Enumerable.Range(0, labels.Length).Where(i => labels[i] is not (5f or 6f)).ToArray();
        var b = Enumerable.Range(0, labels.Length).Where(i => labels[i] is 5f or 6f).ToArray();
        var yA = a.Select(i => labels[i] > 6 ? labels[i] - 2 : labels[i]).ToArray();
        var yB = b.Select(i => labels[i] == 6f ? 1f : 0f).ToArray();
        return ((x.Gather(a), Tensor.FromArray(yA, yA.Length)), (x.Gather(b), Tensor.FromArray(yB, yB.Length)));
    }
}
