using System.Text.Json.Nodes;
using TfFunctional.Saving;

namespace TfFunctional.Tests.Layers;

/// <summary>
/// Keras's <c>run_layer_test</c> for our catalogue: one row in, every check a layer class owes. Symbolic and eager
/// shapes agree with the row, the weight counts are Keras's, <c>GetConfig</c> → <c>FromConfig</c> gives the same config,
/// a mask reaches the layer (or not) as in Keras and what leaves it fits the output, a wrong rank is refused with Keras's
/// words, and <c>.keras</c>, <c>.h5</c> and TF.js files give back the same layer, weights and predictions.
/// </summary>
public static class LayerTest
{
    /// <summary><paramref name="batch"/> samples of <paramref name="shape"/>: smooth non-zero floats, or ids in [0, 7).</summary>
    public static Tensor Data(int?[] shape, DType dtype, int batch = 2)
    {
        long[] dims = [batch, .. shape.Select(d => (long)d!.Value)];
        int count = (int)dims.Aggregate(1L, (p, d) => p * d);
        return dtype == DType.Int32
            ? Tensor.From(Enumerable.Range(0, count).Select(k => k * 3 % 7).ToArray(), dims)
            : Tensor.From(Enumerable.Range(0, count).Select(k => (float)Math.Sin(k + shape.Length) + 0.01f).ToArray(), dims);
    }

    /// <summary>The row's layer in a model of its own, with non-trivial weights (fresh BatchNormalization statistics are 0 and 1).</summary>
    public static Model BuildModel(LayerTestCase row, out Layer layer)
    {
        var inputs = row.InputShapes.Select((s, i) => Keras.Input(shape: s, dtype: row.DType, name: $"in_{i}")).ToArray();
        layer = row.Make();
        var output = inputs.Length > 1 ? layer.Call(inputs) : layer.Call(inputs[0]);
        var model = new Model(inputs, output);
        model.SetWeights(model.GetWeights().Select((w, i) =>
        {
            var copy = (Array)w.Clone();
            var flat = copy.Cast<float>().Select((v, k) => v + 0.01f * ((k + i) % 7 - 3)).ToArray();
            if (model.Weights[i].Name == "moving_variance") flat = flat.Select(Math.Abs).Select(v => v + 0.5f).ToArray();
            Buffer.BlockCopy(flat, 0, copy, 0, flat.Length * sizeof(float));
            return copy;
        }).ToArray());
        return model;
    }

    /// <summary>Runs every check of <paramref name="row"/>.</summary>
    public static void Run(LayerTestCase row)
    {
        Keras.ClearSession();
        using var model = BuildModel(row, out var layer);
        var data = row.InputShapes.Select(s => Data(s, row.DType)).ToArray();
        try
        {
            Shapes(row, model, layer, data);
            Assert.That(layer.TrainableWeights, Has.Count.EqualTo(row.Trainable), "trainable weights");
            Assert.That(layer.NonTrainableWeights, Has.Count.EqualTo(row.NonTrainable), "non-trainable weights");
            ConfigRoundTrip(layer);
            if (row.WrongRank is { } wrong) RefusesWrongRank(row, wrong);
            Masks(row, data);
            Files(model, data);
        }
        finally
        {
            foreach (var tensor in data) tensor.Dispose();
        }
    }

    /// <summary>The symbolic output shape is the row's; the eager call on the same layer gives that shape and the model's values.</summary>
    private static void Shapes(LayerTestCase row, Model model, Layer layer, Tensor[] data)
    {
        Assert.That(model.Outputs[0].Shape, Is.EqualTo(new Shape([null, .. row.OutputShape])), "symbolic output shape");
        using var symbolic = model.Predict(data);
        using var eager = data.Length > 1 ? layer.Call(data) : layer.Call(data[0]);
        Assert.That(eager.Shape, Is.EqualTo(new Shape([2, .. row.OutputShape])), "eager output shape");
        // Predict runs without autograd, the eager call with it: libtorch may pick another kernel (the fused LSTM does),
        // so the two agree to float rounding, not bit for bit.
        Assert.That(eager.ToArray<float>(), Is.EqualTo(symbolic.ToArray<float>()).Within(2e-6f), "eager call = model predict");
    }

    private static void ConfigRoundTrip(Layer layer)
    {
        string config = layer.GetConfig().ToString();
        using var copy = KerasRegistry.DeserializeLayer(new JsonObject { ["class_name"] = layer.ClassName, ["config"] = layer.GetConfig().Json.DeepClone() });
        Assert.That(copy.GetType(), Is.EqualTo(layer.GetType()));
        Assert.That(copy.GetConfig().ToString(), Is.EqualTo(config), "FromConfig(GetConfig()) gives the same config");
    }

    private static void RefusesWrongRank(LayerTestCase row, int?[] shape)
    {
        Keras.ClearSession();
        var layer = row.Make();
        var error = Assert.Throws<ArgumentException>(() => layer.Call(Keras.Input(shape: shape, dtype: row.DType)), "a wrong rank");
        Assert.That(error!.Message, Does.Contain($"\"{layer.Name}\"").And.Contain("ndim"), "Keras's input-spec words, naming the layer");
    }

    /// <summary>
    /// Behind a Masking layer, the second sample's last step masked: the layer takes the mask as the row says, what it
    /// passes on has the output's shape without its feature axis, and the unmasked first sample gives the unmasked values.
    /// </summary>
    private static void Masks(LayerTestCase row, Tensor[] data)
    {
        Keras.ClearSession();
        var layer = row.Make();
        Assert.That(layer.SupportsMasking, Is.EqualTo(row.Masking), "supports masking");
        if (row.DType != DType.Float32 || row.MaskBroadcastsToInputs) return;
        var inputs = row.InputShapes.Select((s, i) => Keras.Input(shape: s, name: $"in_{i}")).ToArray();
        var masked = inputs.Select(i => new Masking(0).Call(i)).ToArray();
        var probe = new MaskProbe();
        var output = probe.Call(masked.Length > 1 ? layer.Call(masked) : layer.Call(masked[0]));
        using var model = new Model(inputs, output);   // frees the layer too, which the plain model shares
        var plain = new Model(inputs, inputs.Length > 1 ? layer.Call(inputs) : layer.Call(inputs[0]));
        var holes = data.Select(WithMaskedStep).ToArray();
        try
        {
            using var result = model.Predict(holes);
            using var expected = plain.Predict(holes);
            if (probe.Received is { } mask)
                Assert.That(mask, Is.EqualTo(result.Shape.Slice(..^1)), "the mask passed on fits the output");
            int half = (int)(result.Shape.Size!.Value / 2);
            // Two computations (a masked recurrence selects per step), so float rounding may differ in the last bit.
            Assert.That(result.ToArray<float>()[..half], Is.EqualTo(expected.ToArray<float>()[..half]).Within(2e-6f), "the unmasked sample is untouched by masking");
        }
        finally
        {
            foreach (var tensor in holes) tensor.Dispose();
        }
    }

    /// <summary>A copy with the second sample's last step (its whole row for a vector input) set to zero.</summary>
    private static Tensor WithMaskedStep(Tensor data)
    {
        var values = data.ToArray<float>();
        var dims = data.Shape.Dims.Select(d => d!.Value).ToArray();
        int sample = values.Length / dims[0];
        int step = dims.Length > 2 ? sample / dims[1] : sample;
        Array.Clear(values, 2 * sample - step, step);
        return Tensor.From(values, dims.Select(d => (long)d).ToArray());
    }

    /// <summary>Passes its input on and records the shape of the mask it was given.</summary>
    private sealed class MaskProbe : Layer
    {
        public Shape? Received { get; private set; }

        public override bool SupportsMasking => true;

        protected override Tensor CallCore(Tensor inputs, CallContext context)
        {
            Received = context.Mask?.Shape;
            return inputs;
        }
    }

    /// <summary>.keras, .h5 and TF.js model.json give back the same layer classes, last layer config, weights and predictions.</summary>
    private static void Files(Model model, Tensor[] data)
    {
        using var expected = model.Predict(data);
        var weights = model.GetWeights();
        string folder = TemporaryFolder.Create("layertest");
        try
        {
            foreach (string file in new[] { "m.keras", "m.h5", "model.json" })
            {
                string path = Path.Combine(folder, file);
                try
                {
                    model.Save(path);
                }
                catch (NotSupportedException e)
                {
                    // A format that cannot express the model says so at Save, naming the layer, and writes nothing.
                    Assert.That(e.Message, Does.Contain($"'{model.Layers[^1].Name}'"), file);
                    Assert.That(File.Exists(path), Is.False, $"{file}: nothing written");
                    continue;
                }
                using var loaded = Keras.LoadModel(path);
                Assert.That(loaded.Layers.Select(l => l.ClassName), Is.EqualTo(model.Layers.Select(l => l.ClassName)), file);
                Assert.That(loaded.Layers[^1].GetConfig().ToString(), Is.EqualTo(model.Layers[^1].GetConfig().ToString()), file);
                var loadedWeights = loaded.GetWeights();
                for (int i = 0; i < weights.Count; i++) Assert.That(loadedWeights[i], Is.EqualTo(weights[i]), $"{file} weight {i}");
                using var actual = loaded.Predict(data);
                Assert.That(actual.ToArray<float>(), Is.EqualTo(expected.ToArray<float>()), file);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
