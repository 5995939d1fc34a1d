using System.Reflection;
using Graft.Saving;

namespace Graft.Cli;

/// <summary>The <c>graft</c> command: parses arguments, calls the library, maps errors to exit codes.</summary>
public static class Program
{
    private const string Usage = """
        graft — Keras-style transfer learning for .NET

        usage: graft <command> [options]

        commands:
          demo [--cnn] [--quick] [--seed N] [--seeds N] [--out DIR] [--data DIR] [--json]
                                                         Géron's transfer-learning experiment on Fashion-MNIST
          demo --pretrained [--base RESNET18.onnx] [--image-size 64] [--fine-tune EPOCHS] [--quick] [--seeds N] ...
                                                         the ImageNet ResNet18 against the same network from scratch
          summary FILE [--config CONFIG.json] [--json]   Keras's summary table of a .h5/.keras/.onnx model;
                                                         the stored weights of a weights-only file
          predict FILE --input X.npy|X.npz --output Y.npy|Y.npz [--batch-size N] [--config CONFIG.json]
                                                         run a model on NumPy arrays; several inputs or
                                                         outputs go in an .npz keyed by name
          predict FILE --images PATH... [--batch-size N] [--json]
                                                         the top classes of each image (a folder: its images),
                                                         by the class names stored in the model
          finetune BASE --data DIR [--cut LAYER] [--image-size H,W] [--color-mode rgb|grayscale]
                   [--epochs-frozen 4] [--epochs 16] [--learning-rate 1e-4] [--batch-size 32]
                   [--validation-split 0.2] [--rescale SCALE[,OFFSET]] [--augment] [--seed N]
                   [--out DIR] [--verbose 0|1|2] [--json]
                                                         fine-tune BASE (.h5/.keras/.onnx, or an application
                                                         such as resnet50) on a folder of photos, one
                                                         subfolder per class; writes model.keras and a report
          convert IN OUT [--config CONFIG.json]          convert between .h5, .keras and .onnx
          --config CONFIG.json                           the architecture (model.to_json()) for FILE's weights
          version                                        print the version
          help                                           this text
        """;

    /// <summary>Exit codes: 0 success, 1 failure while running (bad file, unsupported model), 2 bad usage.</summary>
    public static int Main(string[] args)
    {
        if (args.Length == 0) { Console.Error.WriteLine(Usage); return 2; }
        // The library prints nothing by itself: the command shows its warnings on standard error and
        // training progress on standard output, in a context of its own, so that an in-process caller's
        // settings, seed and layer names are left as they were.
        using var context = new GraftContext { LoggerFactory = new ConsoleWarnings(), ProgressWriter = Console.Out }.Use();
        try
        {
            return args[0] switch
            {
                "help" or "-h" or "--help" => Help(),
                "version" or "--version" => Version(),
                "demo" => Demo.DemoCommand.Run(new Arguments(args[1..], "demo", ["--seed", "--seeds", "--out", "--data", "--verbose", "--base", "--image-size", "--fine-tune"], "--quick", "--cnn", "--pretrained")),
                "summary" => Commands.Summary(new Arguments(args[1..], "summary", ["--config"])),
                "predict" => Commands.Predict(new Arguments(args[1..], "predict", ["--input", "--output", "--batch-size", "--config", "--images"])),
                "finetune" => FinetuneCommand.Run(new Arguments(args[1..], "finetune", FinetuneCommand.Options, "--augment")),
                "convert" => Commands.Convert(new Arguments(args[1..], "convert", ["--config"])),
                _ => throw new UsageException($"graft: expected a command (demo, summary, predict, finetune, convert, version, help), got '{args[0]}'. Run 'graft help'."),
            };
        }
        catch (UsageException e) { Console.Error.WriteLine(e.Message); return 2; }
        catch (Exception e) when (e is ModelFormatException or NotSupportedException or FileNotFoundException or DirectoryNotFoundException
                                  or ArgumentException or InvalidOperationException or IOException or InvalidDataException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"graft {args[0]}: {e.Message}");
            return 1;
        }
    }

    private static int Help() { Console.WriteLine(Usage); return 0; }

    private static int Version()
    {
        Console.WriteLine(typeof(Graft.Tensors.Tensor).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown");
        return 0;
    }
}
