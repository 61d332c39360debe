using System.Text.RegularExpressions;
using TfFunctional.Saving;

namespace TfFunctional.Tests.Saving;

/// <summary>DL4J's raw Keras Conv2DTranspose cases: kernel, bias, input and the output Keras computed (NumPy files).</summary>
public class DeconvolutionFixtureTests
{
    private static string Folder => Fixtures.Keras("KonduitAI__dl4j-test-resources/keras/deconv");

    private static IEnumerable<TestCaseData> Cases() =>
        Directory.GetFiles(Folder, "*_out.npy").Order().Select(f => Path.GetFileName(f)[..^"_out.npy".Length])
            .Select(name => new TestCaseData(name).SetName($"Deconv_{name}"));

    [TestCaseSource(nameof(Cases))]
    public void Conv2DTransposeMatchesKeras(string name)
    {
        var match = Regex.Match(name, @"^mb(\d+)_k(\d+)_sz(\d+)_s(\d+)_(valid|same)_d(\d+)_(nchw|nhwc)$");
        Assert.That(match.Success, name);
        int kernel = int.Parse(match.Groups[2].Value), stride = int.Parse(match.Groups[4].Value), dilation = int.Parse(match.Groups[6].Value);
        string padding = match.Groups[5].Value;
        bool channelsFirst = match.Groups[7].Value == "nchw";
        using var w = NumPy.Load(Path.Combine(Folder, name + "_W.npy"));
        using var b = NumPy.Load(Path.Combine(Folder, name + "_b.npy"));
        using var rawInput = NumPy.Load(Path.Combine(Folder, name + "_in.npy"));
        using var expected = NumPy.Load(Path.Combine(Folder, name + "_out.npy"));
        using var input = Ops.Cast(rawInput, DType.Float32);
        // The valid cases were generated with output_padding (0, 0), the same cases without (SOURCES.md).
        var layer = new Conv2DTranspose(w.Shape[2]!.Value, kernel, strides: stride, padding: padding,
            outputPadding: padding == "valid" ? 0 : null, dataFormat: channelsFirst ? "channels_first" : "channels_last", dilationRate: dilation);
        layer.Build(input.Shape.WithDim(0, null).Dims);
        using (var wf = Ops.Cast(w, DType.Float32)) using (var bf = Ops.Cast(b, DType.Float32))
            layer.SetWeights([wf.ToNDArray<float>(), bf.ToNDArray<float>()]);
        using var actual = layer.Call(input);
        Assert.That(actual.Shape, Is.EqualTo(expected.Shape));
        Assert.That(layer.ComputeOutputShape(input.Shape), Is.EqualTo(expected.Shape));
        using var expectedFloat = Ops.Cast(expected, DType.Float32);
        Fixtures.AssertClose(actual.ToArray<float>(), expectedFloat.ToArray<float>().Select(v => (double)v).ToArray(), name);
    }
}
