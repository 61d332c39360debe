using System.Diagnostics;
using TfFunctional.Layers;
using TfFunctional.Tools.Shared;
using TorchSharp;
using static TorchSharp.torch;
using TorchTensor = TorchSharp.torch.Tensor;

namespace TfFunctional.Benchmarks;

/// <summary>The catalogue, training and file workloads, each against the same computation written by hand.</summary>
internal static class Workloads
{
    private static void Row(string name, int batch, Timing.Result ours, Timing.Result theirs) =>
        Console.WriteLine($"| {name} | {batch} | {ours.MedianMs:F3} | {theirs.MedianMs:F3} | {ours.MedianMs / theirs.MedianMs:F3} | {ours.P90Ms:F3} | {theirs.P90Ms:F3} |");

    public static void Header() =>
        Console.WriteLine("\n| workload | batch | TfFunctional median ms | hand-written median ms | ratio | TfFunctional p90 | hand-written p90 |\n|---|---:|---:|---:|---:|---:|---:|");

    public static void Lstm(bool quick)
    {
        Keras.ClearSession();
        var layer = new TfFunctional.Layers.LSTM(32);
        layer.Build(null, 100, 512);
        using var theirs = nn.LSTM(512, 32, batchFirst: true);
        using (no_grad())
        {
            // Same weights: Keras kernel (in, 4u) is torch's weight_ih transposed; torch's second bias stays zero.
            theirs.get_parameter("weight_ih_l0")!.copy_(layer.Weights[0].KerasValue.Native.t());
            theirs.get_parameter("weight_hh_l0")!.copy_(layer.Weights[1].KerasValue.Native.t());
            theirs.get_parameter("bias_ih_l0")!.copy_(layer.Weights[2].Value.Native);
            theirs.get_parameter("bias_hh_l0")!.zero_();
        }
        using var x = TfFunctional.Tensor.From(Enumerable.Range(0, 32 * 100 * 512).Select(i => (float)Math.Sin(i)).ToArray(), 32, 100, 512);
        using var xt = x.Native.clone();
        ForwardAndBackward("LSTM(32) forward, 100 steps × 512", "LSTM(32) forward+backward", 32, layer, x,
            () => theirs.call(xt).Item1, y => y[.., -1], quick ? 40 : 150, warmup: 5);
    }

    public static void Conv(bool quick)
    {
        Keras.ClearSession();
        var layer = new Conv2D(64, 3, padding: "same");
        layer.Build(null, 64, 64, 64);
        using var theirs = nn.Conv2d(64, 64, 3, padding: Padding.Same);
        using (no_grad())
        {
            theirs.weight!.copy_(layer.Weights[0].Value.Native);
            theirs.bias!.copy_(layer.Weights[1].Value.Native);
        }
        using var x = TfFunctional.Tensor.From(Enumerable.Range(0, 8 * 64 * 64 * 64).Select(i => (float)Math.Cos(i)).ToArray(), 8, 64, 64, 64);
        using var xt = x.Native.clone();
        TorchTensor HandWritten(TorchTensor input) => theirs.call(input.permute(0, 3, 1, 2)).permute(0, 2, 3, 1);
        ForwardAndBackward("Conv2D 3×3 64→64 forward, 64×64 NHWC", "Conv2D forward+backward", 8, layer, x,
            () => HandWritten(xt), y => y, quick ? 20 : 80, warmup: 3);
    }

    /// <summary>
    /// Two rows for one layer against its hand-written twin: forward alone (no gradients), then forward and backward of
    /// the sum of the output (<paramref name="theirsOutput"/> picks what the layer returns from the twin's result).
    /// </summary>
    private static void ForwardAndBackward(string forwardRow, string backwardRow, int batch, Layer layer, TfFunctional.Tensor x,
        Func<TorchTensor> theirs, Func<TorchTensor, TorchTensor> theirsOutput, int reps, int warmup)
    {
        var (a, b) = Timing.Interleaved("ours", () =>
        {
            using var scope = Ops.NewScope();
            using var noGrad = Ops.NoGrad();
            layer.Call(x);
        }, "theirs", () =>
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            theirs();
        }, reps, warmup);
        Row(forwardRow, batch, a, b);
        (a, b) = Timing.Interleaved("ours", () =>
        {
            using var scope = Ops.NewScope();
            Ops.Backward(Ops.Sum(layer.Call(x, training: true)));
        }, "theirs", () =>
        {
            using var scope = NewDisposeScope();
            theirsOutput(theirs()).sum().backward();
        }, reps, warmup);
        Row(backwardRow, batch, a, b);
    }

    public static void TwitterTraining(bool quick) => TwitterTraining(quick, fit: false, Row);

    /// <summary>
    /// The Twitter model's training step (TrainOnBatch, batch 32), or an epoch of <c>Fit</c> over 1,024 samples in
    /// batches of 32 against the same loop written by hand, timed interleaved; <paramref name="report"/> prints the row.
    /// </summary>
    public static void TwitterTraining(bool quick, bool fit, Action<string, int, Timing.Result, Timing.Result> report)
    {
        var model = GuideModels.Twitter();
        model.Compile(optimizer: "rmsprop", loss: "binary_crossentropy", lossWeights: [1.0, 0.2]);
        using var theirs = new HandWrittenTwitter();
        var optimizer = optim.RMSProp(theirs.parameters(), lr: 0.001, alpha: 0.9, eps: 1e-7);
        int samples = fit ? 1024 : 32;
        var random = new Random(1);
        var tokens = new int[samples, 100];
        for (int i = 0; i < samples; i++) for (int t = 0; t < 100; t++) tokens[i, t] = random.Next(10000);
        var extra = new float[samples, 5];
        var labels = new float[samples, 1];
        for (int i = 0; i < samples; i++) { labels[i, 0] = i % 2; for (int f = 0; f < 5; f++) extra[i, f] = (float)random.NextDouble(); }
        using var tokenTensor = TfFunctional.Tensor.From(tokens);
        using var extraTensor = TfFunctional.Tensor.From(extra);
        using var labelTensor = TfFunctional.Tensor.From(labels);
        using var tokensT = torch.from_array(tokens).to_type(ScalarType.Int64);
        using var extraT = torch.from_array(extra).clone();
        using var labelsT = torch.from_array(labels).clone();
        void HandWrittenStep(TorchSharp.torch.Tensor t, TorchSharp.torch.Tensor e, TorchSharp.torch.Tensor l)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var (main, aux) = theirs.call(t, e);
            var loss = nn.functional.binary_cross_entropy(main, l) + 0.2 * nn.functional.binary_cross_entropy(aux, l);
            loss.backward();
            optimizer.step();
        }
        if (!fit)
        {
            var (a, b) = Timing.Interleaved("ours", () => model.TrainOnBatch([tokenTensor, extraTensor], [labelTensor, labelTensor]), "theirs",
                () => HandWrittenStep(tokensT, extraT, labelsT), quick ? 30 : 120, warmup: 5);
            report("Twitter TrainOnBatch (RMSprop, BCE 1.0/0.2)", 32, a, b);
            return;
        }
        var (ours, hand) = Timing.Interleaved("ours", () => model.Fit([tokenTensor, extraTensor], [labelTensor, labelTensor], batchSize: 32, verbose: 0, shuffle: false),
            "theirs", () =>
            {
                for (int start = 0; start < samples; start += 32)
                {
                    using var scope = NewDisposeScope();
                    HandWrittenStep(tokensT.narrow(0, start, 32), extraT.narrow(0, start, 32), labelsT.narrow(0, start, 32));
                }
            }, quick ? 3 : 9, warmup: 1);
        report("Twitter Fit, one epoch of 1,024 samples", 32, ours, hand);
    }

    public static void TrainingMemory(bool quick)
    {
        var model = GuideModels.Twitter();
        model.Compile(optimizer: "rmsprop", loss: "binary_crossentropy", lossWeights: [1.0, 0.2]);
        var random = new Random(2);
        var tokens = new int[32, 100];
        for (int i = 0; i < 32; i++) for (int t = 0; t < 100; t++) tokens[i, t] = random.Next(10000);
        var extra = new float[32, 5];
        var labels = new float[32, 1];
        for (int i = 0; i < 32; i++) labels[i, 0] = i % 2;
        int steps = quick ? 2000 : 10_000;
        Console.WriteLine($"\nResident memory over {steps:N0} Twitter training steps (TrainOnBatch, batch 32, after a 200-step warm-up):");
        for (int i = 0; i < 200; i++) model.TrainOnBatch([tokens, extra], [labels, labels]);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i <= steps; i++)
        {
            if (i % (steps / 5) == 0)
            {
                using var process = Process.GetCurrentProcess();
                Console.WriteLine($"  after {i,6:N0} steps: RSS {process.WorkingSet64 / 1048576.0,7:F1} MB, {clock.Elapsed.TotalSeconds,6:F1} s");
            }
            if (i < steps) model.TrainOnBatch([tokens, extra], [labels, labels]);
        }
    }

    public static void VqaTraining(bool quick) => VqaTraining(quick, Row, [false, true]);

    /// <summary>The VQA model's full-size training step (batch 2) against the same step written by hand.</summary>
    public static void VqaTraining(bool quick, Action<string, int, Timing.Result, Timing.Result> report, bool[] handWrittenDropsGradients)
    {
        Keras.ClearSession();
        var vision = new Sequential();
        vision.Add(new Conv2D(64, 3, activation: "relu", padding: "same", inputShape: [224, 224, 3]));
        vision.Add(new Conv2D(64, 3, activation: "relu"));
        vision.Add(new MaxPooling2D(2));
        vision.Add(new Conv2D(128, 3, activation: "relu", padding: "same"));
        vision.Add(new Conv2D(128, 3, activation: "relu"));
        vision.Add(new MaxPooling2D(2));
        vision.Add(new Conv2D(256, 3, activation: "relu", padding: "same"));
        vision.Add(new Conv2D(256, 3, activation: "relu"));
        vision.Add(new Conv2D(256, 3, activation: "relu"));
        vision.Add(new MaxPooling2D(2));
        vision.Add(new Flatten());
        var image = Keras.Input(shape: [224, 224, 3]);
        var question = Keras.Input(shape: [100], dtype: DType.Int32);
        var encodedQuestion = new TfFunctional.Layers.LSTM(256).Call(new Embedding(10000, 256, inputLength: 100).Call(question));
        var output = new Dense(1000, activation: "softmax").Call(Keras.Layers.Concatenate([encodedQuestion, vision.Call(image)]));
        using var model = new Model([image, question], output);
        model.Compile(optimizer: new Optimizers.SGD(0.01), loss: "categorical_crossentropy");
        using var theirs = new HandWrittenVqa();
        var optimizer = optim.SGD(theirs.parameters(), 0.01);
        var images = new float[2, 224, 224, 3];
        var questions = new int[2, 100];
        var answers = new float[2, 1000];
        answers[0, 3] = answers[1, 7] = 1;
        using var imagesT = torch.from_array(images).clone();
        using var questionsT = torch.from_array(questions).to_type(ScalarType.Int64);
        using var answersT = torch.from_array(answers).clone();
        using var imageTensor = TfFunctional.Tensor.From(images);
        using var questionTensor = TfFunctional.Tensor.From(questions);
        using var answerTensor = TfFunctional.Tensor.From(answers);
        // Two hand-written steps: the baseline's (optimizer.zero_grad(), which zeroes gradients in place in TorchSharp
        // 0.107) and one that drops the gradients instead, as we do for large ones, so the ratio is not won on that alone.
        foreach (bool dropGradients in handWrittenDropsGradients)
        {
            var (a, b) = Timing.Interleaved("ours", () => model.TrainOnBatch([imageTensor, questionTensor], answerTensor), "theirs", () =>
            {
                using var scope = NewDisposeScope();
                if (dropGradients)
                {
                    foreach (var parameter in theirs.parameters()) parameter.grad = null;
                }
                else optimizer.zero_grad();
                var p = theirs.call(imagesT, questionsT).clamp(1e-7, 1 - 1e-7);
                (-(answersT * p.log()).sum(1).mean()).backward();
                optimizer.step();
            }, quick ? 3 : 8, warmup: 1);
            report($"VQA TrainOnBatch (full size, SGD, CCE; theirs {(dropGradients ? "drops gradients" : "zero_grad()")})", 2, a, b);
        }
    }

    public static void TwitterFile(bool quick)
    {
        var model = GuideModels.Twitter();
        string path = Path.Combine(Path.GetTempPath(), $"tffunctional-bench-{Guid.NewGuid():N}.keras");
        model.Save(path);
        try
        {
            int reps = quick ? 5 : 15;
            var load = Timing.Single("load", () => Keras.LoadModel(path).Dispose(), reps, warmup: 1);
            var bytes = Timing.Single("bytes", () => File.ReadAllBytes(path), reps, warmup: 1);
            var build = Timing.Single("build", () => GuideModels.Twitter().Dispose(), reps, warmup: 1);
            Console.WriteLine($"\nLoading twitter.keras ({new FileInfo(path).Length / 1048576.0:F1} MB): median {load.MedianMs:F1} ms; " +
                $"reading its bytes {bytes.MedianMs:F1} ms + building the model {build.MedianMs:F1} ms = {bytes.MedianMs + build.MedianMs:F1} ms; " +
                $"ratio {load.MedianMs / (bytes.MedianMs + build.MedianMs):F2} (target < 2)");
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Load time against the number of layers (a chain of Dense(2)): it must grow linearly.</summary>
    public static void LoadScaling(bool quick)
    {
        Console.WriteLine("\nLoading a chain of N Dense(2) layers from .keras (median of 3):");
        foreach (int layers in quick ? new[] { 1000, 4000 } : [1000, 4000, 10000])
        {
            foreach (bool sequential in new[] { false, true })
            {
                Keras.ClearSession();
                Model model;
                if (sequential)
                {
                    var stack = new Sequential([new InputLayer([2])]);
                    for (int i = 0; i < layers; i++) stack.Add(new Dense(2));
                    model = stack;
                }
                else
                {
                    var input = Keras.Input(shape: [2]);
                    var x = input;
                    for (int i = 0; i < layers; i++) x = new Dense(2).Call(x);
                    model = new Model(input, x);
                }
                string path = Path.Combine(Path.GetTempPath(), $"tffunctional-bench-{Guid.NewGuid():N}.keras");
                model.Save(path);
                try
                {
                    var load = Timing.Single("load", () => Keras.LoadModel(path).Dispose(), 3, warmup: 0);
                    Console.WriteLine($"  {layers,6} layers, {(sequential ? "Sequential" : "functional")}: {load.MedianMs / 1000:F2} s ({load.MedianMs * 1000 / layers:F0} µs per layer)");
                }
                finally
                {
                    File.Delete(path);
                    model.Dispose();
                }
            }
        }
    }

    /// <summary>
    /// What checking Embedding ids before the lookup would cost (one min/max pass) against the lookup itself, Twitter's
    /// table. It is why Embedding lets libtorch's own bounds check fail first and only then finds the offending id.
    /// </summary>
    public static void EmbeddingCheck(bool quick)
    {
        using var table = TfFunctional.Ops.RandomUniform([10000, 512], -0.05, 0.05, 1);
        Console.WriteLine("\nEmbedding(10000, 512) lookup, alone and after a min/max pre-check of the ids (medians, interleaved):");
        foreach (int batch in new[] { 1, 32 })
        {
            var values = Enumerable.Range(0, batch * 100).Select(i => i * 37 % 10000).ToArray();
            using var ids = TfFunctional.Tensor.From(values, batch, 100);
            var (plain, prechecked) = Timing.Interleaved(
                "lookup", () => { using var scope = TfFunctional.Ops.NewScope(); TfFunctional.Ops.Embedding(ids, table); },
                "prechecked", () =>
                {
                    using var scope = TfFunctional.Ops.NewScope();
                    if (TfFunctional.Ops.IntegerRange(ids) is not { Min: >= 0, Max: < 10000 }) throw new InvalidOperationException();
                    TfFunctional.Ops.Embedding(ids, table);
                },
                quick ? 300 : 2000);
            double a = plain.MedianMs * 1000, b = prechecked.MedianMs * 1000;
            Console.WriteLine($"  batch {batch,2} × 100 ids: lookup {a:F1} µs, pre-checked {b:F1} µs (+{b - a:F1} µs, ratio {b / a:F2})");
        }
    }
}
