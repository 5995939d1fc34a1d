using System.Globalization;
using Graft;
using Graft.Distributed;
using Graft.Layers.Core;
using Graft.Models;
using Graft.Optimizers;
using Graft.Tensors;
using Graft.Training;
using Graft.Training.Callbacks;
using Microsoft.Extensions.Logging;

// Usage: Graft.Distributed.Worker <scenario> <folder> [epochs] [failAtEpoch]
//   train   3 epochs of a small classifier, global batch 64; writes weights, history, predictions
//   fail    as train, but the last rank throws at the start of epoch 2
//   die     as train, but the last rank exits at the start of epoch 2
//   stall   as train, but the last rank stops (sleeps) at the start of epoch 2; collectives time out after 5 s
//   backup  [epochs] epochs with BackupAndRestore in <folder>/backup; the last rank throws at the
//           start of epoch [failAtEpoch] when given
// Run alone (no mpirun) it trains in one process; under mpirun it is data-parallel.
string scenario = args[0], folder = args[1];
int epochs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
int failAt = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : scenario is "fail" or "die" or "stall" ? 1 : -1;
Directory.CreateDirectory(folder);
GraftContext.Default.LoggerFactory = new StderrLoggerFactory();

using var world = Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE") is null ? null : DataParallel.FromMpi(TimeSpan.FromSeconds(scenario == "stall" ? 5 : 60));
Distribution.Set(world);
int rank = world?.Rank ?? 0, size = world?.WorldSize ?? 1;

GraftContext.Current.SetSeed(42);
// 500 samples: the last batch (52) splits unevenly between three ranks.
var random = new Random(7);
int n = 500, features = 12, classes = 3;
var x = new float[n * features];
var y = new float[n];
for (int i = 0; i < n; i++)
{
    int c = random.Next(classes);
    y[i] = c;
    for (int j = 0; j < features; j++) x[i * features + j] = (float)(random.NextDouble() * 2 - 1) + (j % classes == c ? 0.8f : 0f);
}
var xs = Tensor.FromArray(x, n, features);
var ys = Tensor.FromArray(y, n);
var model = new Sequential([new Dense(32, activation: "relu"), new Dense(16, activation: "tanh"), new Dense(classes, activation: "softmax")]);
model.Compile(loss: "sparse_categorical_crossentropy", optimizer: new SGD(learningRate: 0.05, momentum: 0.9), metrics: ["accuracy"]);

var callbacks = new List<Callback>();
if (failAt >= 0 && rank == size - 1)
    callbacks.Add(new LambdaCallback(onEpochBegin: (epoch, _) =>
    {
        if (epoch != failAt) return;
        if (scenario == "die") Environment.Exit(3);
        if (scenario == "stall") Thread.Sleep(Timeout.Infinite);
        throw new InvalidOperationException($"worker: rank {rank} failed on purpose at epoch {epoch}.");
    }));
if (scenario == "backup") callbacks.Add(new BackupAndRestore(Path.Combine(folder, "backup")));

var history = model.Fit(xs, ys, batchSize: 64, epochs: epochs, shuffle: scenario != "backup", callbacks: callbacks, verbose: 0,
    validationData: (xs[..100], ys[..100]));
var evaluation = model.Evaluate(xs, ys, batchSize: 64);
var predictions = model.Predict(xs, batchSize: 64);

string suffix = $"{size}-{rank}";
using (var w = new BinaryWriter(File.Create(Path.Combine(folder, $"weights-{suffix}.bin"))))
    foreach (var t in model.GetWeights())
        foreach (var v in t.ToArray()) w.Write(v);
using (var w = new BinaryWriter(File.Create(Path.Combine(folder, $"predictions-{suffix}.bin"))))
    foreach (var v in predictions.ToArray()) w.Write(v);
File.WriteAllLines(Path.Combine(folder, $"history-{suffix}.txt"),
    history.HistoryDict.SelectMany(kv => kv.Value.Select((v, e) => $"{kv.Key} {e} {v.ToString("R", CultureInfo.InvariantCulture)}"))
        .Concat(evaluation.Select(kv => $"evaluate_{kv.Key} 0 {kv.Value.ToString("R", CultureInfo.InvariantCulture)}")));
return 0;

/// <summary>Graft's warnings and a failing rank's error, on standard error, where mpirun shows them.</summary>
internal sealed class StderrLoggerFactory : ILoggerFactory, ILogger
{
    public ILogger CreateLogger(string categoryName) => this;
    public void AddProvider(ILoggerProvider provider) { }
    public void Dispose() { }
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Console.Error.WriteLine($"{logLevel}: {formatter(state, exception)}");
}
