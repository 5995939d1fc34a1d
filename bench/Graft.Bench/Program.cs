using Graft.Bench;

// Graft's benchmarks: each case runs our code and the peer in the same process run and prints
// one JSON line {"case","graft","peer","ratio",...} plus a table. See README.md.
if (args is [ColdStartBench.ChildFlag]) { ColdStartBench.Child(); return 0; }
if (args is [ResNetMemoryBench.ChildFlag]) { ResNetMemoryBench.Child(); return 0; }
var options = BenchOptions.Parse(args);
if (options.Help)
{
    Console.WriteLine("""
        usage: dotnet run -c Release --project bench/Graft.Bench -- [GROUP ...] [--json] [--peers DIR] [--no-peer] [--quick]
          groups: gemm (gemm_256 .. gemm_2048), conv (conv3x3_c32, conv3x3_c64), alloc (train_step_alloc),
                  mlp (mlp_train, mlp_infer, frozen_train), cnn (cnn_train, cnn_infer, cnn_frozen_train),
                  load (load_mini_xception), seq (lstm_train), image (image_decode_224 against Pillow,
                  image_fit_directory),
                  onnx (onnx_import_resnet18, onnx_infer_resnet18),
                  resnet (resnet18_infer, resnet18_train, resnet18_frozen_train, resnet50_infer,
                          resnet18_train_memory; not in all: a few minutes),
                  resnet_memory (resnet18_train_memory alone; not in all), cold (cold_first_epoch, cold_fit: a fresh process's first epoch and
                          whole 5-epoch Fit with the runtime's default tiered compilation against tiering off),
                  mpi (dp_allreduce_resnet18; not in all: run under mpirun, e.g.
                       mpirun --allow-run-as-root --oversubscribe -np 2 bench/Graft.Bench/bin/Release/net10.0/Graft.Bench mpi),
                  all (default)
          --peers DIR   folder of the peer scripts (default: ../shared/bench/peers beside the repository)
          --no-peer     run only Graft's side
          --json        print only the JSON lines
          --rounds N    resnet, image: alternate the peer and Graft N times, keep each side's best (default 3)
          --profile     resnet, cnn: where a training step's time goes, by layer and op
        """);
    return 0;
}

var report = new Report(options.Json);
var peers = new Peers(options);
foreach (var group in options.Groups)
{
    switch (group)
    {
        case "gemm": GemmBench.Run(report, peers, options); break;
        case "conv": ConvBench.Run(report, peers, options); break;
        case "alloc": AllocBench.Run(report, options); break;
        case "mlp": MlpBench.Run(report, peers, options); break;
        case "cnn": CnnBench.Run(report, peers, options); break;
        case "load": LoadBench.Run(report, options); break;
        case "seq": LstmBench.Run(report, peers, options); break;
        case "image": ImageBench.Run(report, peers, options); break;
        case "onnx": OnnxBench.Run(report, options); break;
        case "resnet": ResNetBench.Run(report, peers, options); break;
        case "resnet_memory": ResNetMemoryBench.Run(report, peers, options.Rounds ?? (options.Quick ? 1 : 3)); break;
        case "cold": ColdStartBench.Run(report, options); break;
        case "mpi": DataParallelBench.Run(report, options); break;
        default:
            Console.Error.WriteLine($"Graft.Bench: expected a group among gemm, conv, alloc, mlp, cnn, load, seq, image, onnx, resnet, resnet_memory, cold, mpi, all; got '{group}'.");
            return 2;
    }
}
report.PrintTable();
return 0;
