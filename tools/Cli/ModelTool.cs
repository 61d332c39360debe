using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using TfFunctional.Saving;

namespace TfFunctional.Cli;

/// <summary>
/// The command-line tool for model files: <c>summary</c>, <c>plot</c>, <c>predict</c>, <c>convert</c>, <c>bench</c>.
/// Exit codes: 0 success, 2 missing file, 3 unreadable model file, 4 data that cannot be read or does not fit the
/// model, 5 anything else that fails (a model a format cannot hold, an output that cannot be written).
/// </summary>
internal static class ModelTool
{
    public const int MissingFile = 2, UnreadableFile = 3, BadData = 4, Failure = 5;

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var file = new Argument<string>("file") { Description = "A model file: .keras, .h5 or TF.js model.json" };
        var expandNested = new Option<bool>("--expand-nested") { Description = "Also list the layers of nested models" };
        var summary = new Command("summary", "Print the model's summary (Keras 2 layout)") { file, expandNested };
        summary.SetAction(result => Guard(error, () =>
        {
            Load(result.GetValue(file)!).Summary(output.WriteLine, expandNested: result.GetValue(expandNested));
            return 0;
        }));

        var plotFile = new Argument<string>("file") { Description = "A model file" };
        var plotOutput = new Option<string>("--output", "-o") { Description = "The picture: .png, .svg, .pdf or .dot", DefaultValueFactory = _ => "model.png" };
        var plotExpand = new Option<bool>("--expand-nested") { Description = "Draw nested models' layers, each model as a labelled cluster" };
        var plot = new Command("plot", "Draw the model through Graphviz") { plotFile, plotOutput, plotExpand };
        plot.SetAction(result => Guard(error, () =>
        {
            string target = result.GetValue(plotOutput)!;
            Keras.Utils.PlotModel(Load(result.GetValue(plotFile)!), toFile: target, showShapes: true, expandNested: result.GetValue(plotExpand));
            output.WriteLine($"wrote {target}");
            return 0;
        }));

        var predictFile = new Argument<string>("file") { Description = "A model file" };
        var inputs = new Option<string[]>("--input", "-i") { Description = "Input data (.npy, .json, .csv), one per model input, in order", Required = true, AllowMultipleArgumentsPerToken = true };
        var predictOutput = new Option<string?>("--output", "-o") { Description = "Write the outputs: .npz (one array per output name), or .npy for a model with one output (else print JSON)" };
        var predict = new Command("predict", "Run the model on data files") { predictFile, inputs, predictOutput };
        predict.SetAction(result => Guard(error, () =>
        {
            var model = Load(result.GetValue(predictFile)!);
            var paths = result.GetValue(inputs)!;
            foreach (string path in paths) RequireFile(path);
            var tensors = paths.Select(DataFiles.Read).ToArray();
            try
            {
                var outputs = model.PredictOutputs(tensors);
                if (result.GetValue(predictOutput) is { } target)
                {
                    if (target.EndsWith(".npz", StringComparison.OrdinalIgnoreCase))
                        NumPy.SaveArchive(target, model.OutputNames.Zip(outputs).ToDictionary(p => p.First, p => p.Second));
                    else if (outputs.Count == 1) NumPy.Save(target, outputs[0]);
                    else
                        throw new InvalidOperationException($"The model has {outputs.Count} outputs ({string.Join(", ", model.OutputNames)}): write them all with -o {Path.ChangeExtension(target, ".npz")}.");
                    output.WriteLine($"wrote {target} " + string.Join(", ", model.OutputNames.Zip(outputs).Select(p => $"{p.First} {p.Second.Shape}")));
                }
                else
                    output.WriteLine(new JsonObject
                    {
                        ["outputs"] = new JsonObject(model.OutputNames.Zip(outputs).Select(p =>
                            KeyValuePair.Create(p.First, (JsonNode?)new JsonObject
                            {
                                ["shape"] = new JsonArray(p.Second.Shape.Select(d => (JsonNode)d!.Value).ToArray()),
                                ["values"] = new JsonArray(p.Second.ToArray<float>().Select(v => (JsonNode)v).ToArray()),
                            }))),
                    }.ToJsonString());
                foreach (var t in outputs) t.Dispose();
            }
            finally
            {
                foreach (var t in tensors) t.Dispose();
            }
            return 0;
        }));

        var source = new Argument<string>("input") { Description = "The model to convert (.h5, .keras or TF.js model.json)" };
        var destination = new Argument<string>("output") { Description = "The converted model: .keras, .h5, TF.js model.json, or .onnx (inference only)" };
        var convert = new Command("convert", "Convert between .keras, .h5 and TF.js model.json, or export to ONNX") { source, destination };
        convert.SetAction(result => Guard(error, () =>
        {
            string target = result.GetValue(destination)!;
            var model = Load(result.GetValue(source)!);
            if (target.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)) model.Export(target);
            else model.Save(target);
            output.WriteLine($"wrote {target}");
            return 0;
        }));

        var benchFile = new Argument<string>("file") { Description = "A model file" };
        var batch = new Option<int>("--batch", "-b") { Description = "Batch size", DefaultValueFactory = _ => 1 };
        var repetitions = new Option<int>("--repetitions", "-n") { Description = "Timed calls", DefaultValueFactory = _ => 200 };
        var engine = new Option<string>("--engine") { Description = "libtorch or onnxruntime", DefaultValueFactory = _ => "libtorch" };
        engine.AcceptOnlyFromAmong("libtorch", "onnxruntime");
        var bench = new Command("bench", "Median latency and throughput of Predict on random data") { benchFile, batch, repetitions, engine };
        bench.SetAction(result => Guard(error, () =>
        {
            var model = Load(result.GetValue(benchFile)!);
            if (result.GetValue(engine) == "onnxruntime") model.UseOnnxRuntime();
            int size = result.GetValue(batch), count = result.GetValue(repetitions);
            var random = new Random(1);
            var data = model.Inputs.Select(i =>
            {
                var shape = i.Shape.Select((d, axis) => axis == 0 ? size : (long)(d ?? 8)).ToArray();
                var values = Enumerable.Range(0, (int)shape.Aggregate(1L, (p, d) => p * d)).Select(_ => (float)random.NextDouble()).ToArray();
                return Tensor.From(values, shape);
            }).ToArray();
            for (int w = 0; w < 5; w++) foreach (var t in model.PredictOnBatchOutputs(data)) t.Dispose();
            var times = new double[count];
            for (int r = 0; r < count; r++)
            {
                long start = Stopwatch.GetTimestamp();
                foreach (var t in model.PredictOnBatchOutputs(data)) t.Dispose();
                times[r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
            Array.Sort(times);
            double median = times[count / 2];
            output.WriteLine($"{model.InferenceEngine}, batch {size}: median {median:F3} ms, p90 {times[(int)(count * 0.9)]:F3} ms, {size / median * 1000:F0} samples/s");
            foreach (var t in data) t.Dispose();
            return 0;
        }));

        var root = new RootCommand("TfFunctional model files: summary, plot, predict, convert, bench") { summary, plot, predict, convert, bench };
        return root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
    }

    private static Model Load(string path)
    {
        RequireFile(path);
        return Keras.LoadModel(path);
    }

    private static void RequireFile(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"No such file: {path}", path);
    }

    /// <summary>Runs a command, turning failures into a message on stderr and the documented exit code.</summary>
    private static int Guard(TextWriter error, Func<int> command)
    {
        try
        {
            return command();
        }
        catch (FileNotFoundException e)
        {
            error.WriteLine($"error: {e.Message}");
            return MissingFile;
        }
        catch (KerasFormatException e)
        {
            error.WriteLine($"error: {e.Message}");
            return UnreadableFile;
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException)
        {
            error.WriteLine($"error: {e.Message}");
            return BadData;
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException or IOException)
        {
            error.WriteLine($"error: {e.Message}");
            return Failure;
        }
    }
}
