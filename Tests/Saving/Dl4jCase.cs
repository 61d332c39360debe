using System.Text.Json.Nodes;
using PureHDF;

namespace TfFunctional.Tests.Saving;

/// <summary>A DL4J recorded Keras run: <c>X_inputs_and_outputs.h5</c> holds inputs/&lt;input&gt; and predictions/&lt;output&gt;.</summary>
internal sealed record Dl4jCase(IReadOnlyList<Tensor> Inputs, IReadOnlyDictionary<string, (float[] Values, long[] Shape)> Predictions)
{
    public static Dl4jCase Load(string recording)
    {
        using var file = H5File.OpenRead(recording);
        var inputNames = JsonNode.Parse(file.Attribute("inputs").Read<string>())!["inputs"]!.AsArray().Select(n => n!.GetValue<string>()).ToArray();
        var outputNames = JsonNode.Parse(file.Attribute("outputs").Read<string>())!["outputs"]!.AsArray().Select(n => n!.GetValue<string>()).ToArray();
        var inputs = inputNames.Select(n => Read(file.Dataset($"inputs/{n}"))).Select(r => Tensor.From(r.Values, r.Shape)).ToArray();
        var predictions = outputNames.Where(n => file.LinkExists($"predictions/{n}"))
            .ToDictionary(n => n, n => Read(file.Dataset($"predictions/{n}")));
        return new Dl4jCase(inputs, predictions);
    }

    private static (float[] Values, long[] Shape) Read(IH5Dataset dataset)
    {
        var shape = dataset.Space.Dimensions.Select(d => (long)d).ToArray();
        float[] values = dataset.Type.Size == 8 ? dataset.Read<double[]>().Select(v => (float)v).ToArray() : dataset.Read<float[]>();
        return (values, shape);
    }
}
