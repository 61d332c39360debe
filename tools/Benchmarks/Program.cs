using System.Diagnostics;
using System.Globalization;
using TfFunctional;
using TfFunctional.Benchmarks;
using TfFunctional.Layers;
using TorchSharp;

// Usage: dotnet run --project tools/Benchmarks -c Release -- [predict] [memory] [lstm] [conv] [twitter] [vqa] [load] [loadscaling] [embedding] [trainmemory] [onnx] [onnxmemory] [trainthreads] [loadpeak] [--quick]
// Prints medians of our Predict against the same network written by hand in TorchSharp, timed interleaved in one run.
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
string[] knownWorkloads = ["predict", "memory", "lstm", "conv", "twitter", "vqa", "load", "loadscaling", "embedding", "trainmemory", "onnx", "onnxmemory", "trainthreads", "loadpeak"];
string usage = $"usage: dotnet run --project tools/Benchmarks -c Release -- [workload ...] [--quick]\n  workloads: {string.Join(", ", knownWorkloads)} (default: predict, memory, lstm, conv, twitter, load)";
if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(usage);
    return 0;
}
foreach (string arg in args)
{
    bool option = arg.StartsWith("--", StringComparison.Ordinal);
    if ((option && arg is not ("--quick" or "--child")) || (!option && !knownWorkloads.Contains(arg)))
    {
        Console.Error.WriteLine($"error: unknown {(option ? "option" : "workload")} {arg}\n{usage}");
        return 2;
    }
}
bool quick = args.Contains("--quick");
var workloads = args.Where(a => !a.StartsWith("--")).ToArray();
if (workloads.Length == 0) workloads = ["predict", "memory", "lstm", "conv", "twitter", "load"];

TfFunctional.Bindings.Native.NativeRuntime.EnsureLoaded();
torch.set_num_threads(2);
Console.WriteLine($"TfFunctional benchmarks: {Environment.ProcessorCount} cores, torch threads {torch.get_num_threads()}, .NET {Environment.Version}");

foreach (string workload in workloads)
{
    switch (workload)
    {
        case "predict": PredictMlp(quick); break;
        case "memory": Memory(quick); break;
        case "lstm": Workloads.Header(); Workloads.Lstm(quick); break;
        case "conv": Workloads.Header(); Workloads.Conv(quick); break;
        case "twitter": Workloads.Header(); Workloads.TwitterTraining(quick); break;
        case "vqa": Workloads.Header(); Workloads.VqaTraining(quick); break;
        case "load": Workloads.TwitterFile(quick); break;
        case "loadscaling": Workloads.LoadScaling(quick); break;
        case "embedding": Workloads.EmbeddingCheck(quick); break;
        case "trainmemory": Workloads.TrainingMemory(quick); break;
        case "onnx": OnnxWorkloads.Run(quick); break;
        case "onnxmemory": OnnxMemory.Run(quick, child: args.Contains("--child")); break;
        case "trainthreads": TrainingThreads.Run(quick, child: args.Contains("--child")); break;
        case "loadpeak": LoadPeak.Run(quick, child: args.Contains("--child")); break;
        default: Console.Error.WriteLine($"unknown workload '{workload}' (predict, memory, lstm, conv, twitter, vqa, load, loadscaling, embedding, trainmemory, onnx, onnxmemory, trainthreads, loadpeak)"); return 2;
    }
}
return 0;

static Model GuideMlp()
{
    var inputs = Keras.Input(shape: [784]);
    var x = new Dense(64, activation: "relu").Call(inputs);
    x = new Dense(64, activation: "relu").Call(x);
    return new Model(inputs, new Dense(10, activation: "softmax").Call(x));
}

static void PredictMlp(bool quick)
{
    var model = GuideMlp();
    using var handWritten = new HandWrittenMlp();
    // Same weights in both: Keras layout (in, out), torch's Linear (out, in).
    using (torch.no_grad())
    {
        var linears = handWritten.children().Cast<TorchSharp.Modules.Linear>().ToArray();
        for (int i = 0; i < 3; i++)
        {
            var weights = model.GetLayer(i + 1).Weights;
            linears[i].weight!.copy_(weights[0].KerasValue.Native.t());
            linears[i].bias!.copy_(weights[1].Value.Native);
        }
    }
    Console.WriteLine();
    Console.WriteLine("| workload | batch | TfFunctional median ms | hand-written median ms | ratio | TfFunctional p90 | hand-written p90 |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
    foreach (int batch in new[] { 1, 128 })
    {
        var data = new float[batch, 784];
        var random = new Random(1);
        for (int i = 0; i < batch; i++) for (int j = 0; j < 784; j++) data[i, j] = (float)random.NextDouble();
        using TfFunctional.Tensor ours = TfFunctional.Tensor.From(data);
        using TorchSharp.torch.Tensor theirs = torch.from_array(data);
        using (TfFunctional.Tensor a = model.Predict(ours))
        using (TorchSharp.torch.Tensor b = handWritten.Predict(theirs))
        {
            double difference = a.ToArray<float>().Zip(b.data<float>().ToArray(), (p, q) => Math.Abs(p - q)).Max();
            if (difference > 1e-5) throw new InvalidOperationException($"outputs differ by {difference}");
        }
        int repetitions = (batch == 1 ? 4000 : 2000) / (quick ? 4 : 1);
        int inner = batch == 1 ? 20 : 4;
        var (tf, hand) = Timing.Interleaved(
            "TfFunctional", () => { using var y = model.Predict(ours, batchSize: batch); },
            "hand-written", () => { using var y = handWritten.Predict(theirs); },
            repetitions, inner: inner);
        Console.WriteLine($"| mlp.Predict(Tensor, batchSize: {batch}) | {batch} | {tf.MedianMs:F4} | {hand.MedianMs:F4} | {tf.MedianMs / hand.MedianMs:F3} | {tf.P90Ms:F4} | {hand.P90Ms:F4} |");
        var conversion = Timing.Single("array", () => { using var t = Tensor.From(data); }, repetitions / 2, inner: inner);
        var fromArray = Timing.Single("predict(array)", () => { using var y = model.Predict(data, batchSize: batch); }, repetitions / 2, inner: inner);
        Console.WriteLine($"| mlp: Tensor.From(float[{batch},784]) alone | {batch} | {conversion.MedianMs:F4} | | | {conversion.P90Ms:F4} | |");
        Console.WriteLine($"| mlp.Predict(float[,]) incl. conversion | {batch} | {fromArray.MedianMs:F4} | | | {fromArray.P90Ms:F4} | |");
    }
}

static void Memory(bool quick)
{
    var model = GuideMlp();
    using var x = Tensor.From(new float[1, 784]);
    int calls = quick ? 100_000 : 300_000;
    Console.WriteLine();
    Console.WriteLine($"Resident memory over {calls:N0} Predict calls at batch 1 (after a 20,000-call warm-up):");
    for (int i = 0; i < 20_000; i++) { using var y = model.Predict(x); }
    var clock = Stopwatch.StartNew();
    for (int i = 0; i <= calls; i++)
    {
        if (i % (calls / 10) == 0)
        {
            using var process = Process.GetCurrentProcess();
            Console.WriteLine($"  after {i,9:N0} calls: RSS {process.WorkingSet64 / 1048576.0,7:F1} MB, managed {GC.GetTotalMemory(false) / 1048576.0,6:F1} MB, {clock.Elapsed.TotalSeconds,5:F1} s");
        }
        using var y = model.Predict(x);
    }
}
