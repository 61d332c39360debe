namespace TfFunctional.Tests.Utils;

public class PlotModelTests
{
    [SetUp]
    public void ClearNames() => Keras.ClearSession();

    private static Model TwoBranches()
    {
        var main = Keras.Input(shape: [10], name: "main_input");
        var aux = Keras.Input(shape: [3], name: "aux_input");
        var dense = new Dense(4).Call(main);
        var merged = Keras.Layers.Concatenate([dense, aux]);
        return new Model([main, aux], [new Dense(1, name: "main_output").Call(merged), new Dense(1, name: "aux_output").Call(dense)]);
    }

    [Test]
    public void DotNamesEveryLayerEdgeAndShape()
    {
        string dot = Keras.Utils.ModelToDot(TwoBranches(), showShapes: true);
        foreach (string label in new[] { "main_input (InputLayer)", "aux_input (InputLayer)", "dense (Dense)", "concatenate (Concatenate)", "main_output (Dense)", "aux_output (Dense)" })
            Assert.That(dot, Does.Contain(label));
        // layer ids follow model.layers: main_input, dense, aux_input, concatenate, main_output, aux_output.
        string[] edges = ["layer0 -> layer1", "layer1 -> layer3", "layer2 -> layer3", "layer3 -> layer4", "layer1 -> layer5"];
        foreach (string edge in edges) Assert.That(dot, Does.Contain(edge));
        Assert.That(dot.Split('\n').Count(l => l.Contains("->")), Is.EqualTo(edges.Length));
        Assert.That(dot, Does.Contain("(None, 10)").And.Contain("(None, 7)"));
        Assert.That(dot, Does.Contain("rankdir=TB"));
    }

    [Test]
    public void PngIsARealImage()
    {
        string path = Path.Combine(Path.GetTempPath(), $"tffunctional-plot-{Guid.NewGuid():N}.png");
        try
        {
            Keras.Utils.PlotModel(TwoBranches(), toFile: path, showShapes: true);
            var bytes = File.ReadAllBytes(path);
            Assert.That(bytes.Take(8), Is.EqualTo(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }));
            int width = bytes[16] << 24 | bytes[17] << 16 | bytes[18] << 8 | bytes[19];
            int height = bytes[20] << 24 | bytes[21] << 16 | bytes[22] << 8 | bytes[23];
            Assert.That(width, Is.InRange(200, 4000));
            Assert.That(height, Is.InRange(200, 4000), "six layers in four ranks");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void NestedModelsCanBeExpanded()
    {
        var inner = Keras.Input(shape: [4]);
        var encoder = new Model(inner, new Dense(2, name: "code").Call(inner), name: "encoder");
        var x = Keras.Input(shape: [4]);
        var model = new Model(x, new Dense(1, name: "score").Call(encoder.Call(x)));
        Assert.That(Keras.Utils.ModelToDot(model), Does.Contain("encoder (Functional)"));
        string expanded = Keras.Utils.ModelToDot(model, expandNested: true);
        Assert.That(expanded, Does.Contain("code (Dense)").And.Not.Contain("encoder (Functional)"));
        // As Keras: the nested model is a dashed cluster labelled with its name, holding its own layers, and the outer
        // input is connected to the nested model's input, its output to the outer Dense.
        var lines = expanded.Split('\n').Select(l => l.Trim()).ToList();
        int cluster = lines.FindIndex(l => l.StartsWith("subgraph cluster_0 {", StringComparison.Ordinal));
        Assert.That(cluster, Is.GreaterThan(0), expanded);
        Assert.That(lines[cluster + 1], Is.EqualTo("label=\"encoder\"; style=\"dashed\";"));
        int end = lines.FindIndex(cluster, l => l == "}");
        var inside = lines.GetRange(cluster, end - cluster);
        Assert.That(inside.Any(l => l.Contains("code (Dense)")), Is.True, "the inner Dense is in the cluster");
        Assert.That(inside.Any(l => l.Contains("score (Dense)")), Is.False, "the outer Dense is not");
        string Id(string label) => lines.First(l => l.Contains(label)).Split(' ')[0];
        string outerInput = lines.First(l => l.StartsWith("layer0 ", StringComparison.Ordinal)).Split(' ')[0];
        string innerInput = inside.First(l => l.Contains("(InputLayer)")).Split(' ')[0];
        Assert.That(lines, Does.Contain($"{outerInput} -> {innerInput};"), "the outer input feeds the nested model");
        Assert.That(lines, Does.Contain($"{Id("code (Dense)")} -> {Id("score (Dense)")};"));
        Assert.That(lines.Count(l => l == "}"), Is.EqualTo(2), "the cluster and the graph close");
        Assert.Throws<ArgumentException>(() => Keras.Utils.ModelToDot(model, rankdir: "BT"));
    }
}
