using System.Text.Json.Nodes;
using TfFunctional.Saving;

namespace TfFunctional.Tests.Saving;

/// <summary>
/// Keras's attention call arguments (<c>return_attention_scores</c>, <c>use_causal_mask</c>) travel in the call nodes of
/// model files, and MultiHeadAttention's query and value are separate call arguments, as Keras writes them.
/// </summary>
public class AttentionCallArgumentTests
{
    private string _folder = "";

    [SetUp]
    public void Setup()
    {
        Keras.ClearSession();
        _folder = TemporaryFolder.Create("attention");
    }

    [TearDown]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    private static Model CausalModel()
    {
        var query = Keras.Input(shape: [4, 3], name: "query");
        var value = Keras.Input(shape: [4, 3], name: "value");
        var mha = new MultiHeadAttention(2, 3, useCausalMask: true, returnAttentionScores: true,
            kernelInitializer: new Initializers.GlorotUniform(seed: 1), name: "mha");
        var outputs = mha.CallOutputs([query, value]);
        var attended = new Attention(useCausalMask: true, name: "attention").Call([query, value]);
        return new Model([query, value], [outputs[0], outputs[1], attended]);
    }

    private static float[,,] Sequence(int seed)
    {
        var random = new Random(seed);
        var values = new float[2, 4, 3];
        for (int b = 0; b < 2; b++) for (int t = 0; t < 4; t++) for (int f = 0; f < 3; f++) values[b, t, f] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }

    [TestCase(".keras")]
    [TestCase(".h5")]
    public void CausalMasksAndScoresSurviveAFile(string extension)
    {
        var model = CausalModel();
        var expected = model.PredictOutputs([Sequence(1), Sequence(2)]).Select(t => t.ToArray<float>()).ToArray();
        string path = Path.Combine(_folder, "causal" + extension);
        model.Save(path);
        var loaded = Keras.LoadModel(path);
        var mha = (MultiHeadAttention)loaded.GetLayer("mha");
        var attention = (Attention)loaded.GetLayer("attention");
        Assert.That(mha.InboundNodes[0].Arguments, Is.EqualTo(new Dictionary<string, object> { ["return_attention_scores"] = true, ["use_causal_mask"] = true }));
        Assert.That(attention.InboundNodes[0].Arguments["use_causal_mask"], Is.EqualTo(true));
        var actual = loaded.PredictOutputs([Sequence(1), Sequence(2)]).Select(t => t.ToArray<float>()).ToArray();
        Assert.That(actual, Has.Length.EqualTo(3));
        for (int i = 0; i < 3; i++) Assert.That(actual[i], Is.EqualTo(expected[i]).Within(1e-6), $"output {i}");
        // Causal: the first query step attends to the first value step only, in every head.
        var scores = actual[1];   // (batch, heads, Tq, Tv)
        for (int head = 0; head < 2; head++)
            Assert.That(scores[head * 16 + 0], Is.EqualTo(1f).Within(1e-6), $"head {head}");
    }

    [Test]
    public void NodesAreWrittenAsKerasWritesThem()
    {
        var config = JsonNode.Parse(CausalModel().ToJson())!;
        var layers = config["config"]!["layers"]!.AsArray();
        var mhaNode = layers.First(l => l!["config"]!["name"]!.GetValue<string>() == "mha")!["inbound_nodes"]![0]!;
        var args = mhaNode["args"]!.AsArray();
        Assert.That(args.Select(a => a!["config"]!["keras_history"]![0]!.GetValue<string>()), Is.EqualTo(new[] { "query", "value" }),
            "query and value as separate positional arguments");
        Assert.That(mhaNode["kwargs"]!.ToJsonString(), Is.EqualTo("""{"return_attention_scores":true,"use_causal_mask":true}"""));
        var attentionNode = layers.First(l => l!["config"]!["name"]!.GetValue<string>() == "attention")!["inbound_nodes"]![0]!;
        Assert.That(attentionNode["args"]![0], Is.InstanceOf<JsonArray>(), "Attention takes one list");
        Assert.That(attentionNode["kwargs"]!.ToJsonString(), Is.EqualTo("""{"return_attention_scores":false,"use_causal_mask":true}"""));
    }

    [Test]
    public void ValueGivenAsAKeywordArgumentIsTheSecondInput()
    {
        // Keras 3 after `mha(query=q, value=v, use_causal_mask=True)`: no positional arguments, everything in kwargs.
        string Tensor(string layer) =>
            $$$"""{"class_name": "__keras_tensor__", "config": {"shape": [null, 4, 3], "dtype": "float32", "keras_history": ["{{{layer}}}", 0, 0]}}""";
        string Input(string name) =>
            $$$"""{"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, 4, 3], "dtype": "float32", "sparse": false, "name": "{{{name}}}"}, "registered_name": null, "name": "{{{name}}}", "inbound_nodes": []}""";
        string json = $$$"""
            {"module": "keras.src.models.functional", "class_name": "Functional", "config": {"name": "functional", "trainable": true,
             "layers": [{{{Input("q")}}}, {{{Input("v")}}},
               {"module": "keras.layers", "class_name": "MultiHeadAttention", "config": {"name": "mha", "trainable": true, "num_heads": 1, "key_dim": 2},
                "registered_name": null, "name": "mha",
                "inbound_nodes": [{"args": [], "kwargs": {"query": {{{Tensor("q")}}}, "value": {{{Tensor("v")}}}, "use_causal_mask": true}}]}],
             "input_layers": [["q", 0, 0], ["v", 0, 0]], "output_layers": [["mha", 0, 0]]}, "registered_name": "Functional"}
            """;
        var model = Keras.ModelFromJson(json);
        var mha = (MultiHeadAttention)model.GetLayer("mha");
        Assert.That(mha.InboundNodes[0].Arguments["use_causal_mask"], Is.EqualTo(true));
        Assert.That(mha.InboundNodes[0].InputTensors.Select(t => t.Layer.Name), Is.EqualTo(new[] { "q", "v" }));
    }

    /// <summary>A tf.keras InputLayer entry of shape (None, 4, 3).</summary>
    private static string TfKerasInput(string name) =>
        $$"""{"class_name": "InputLayer", "config": {"batch_input_shape": [null, 4, 3], "dtype": "float32", "name": "{{name}}"}, "name": "{{name}}", "inbound_nodes": []}""";

    [Test]
    public void TfKerasNodesCarryValueAndFlagsInTheirKwargs()
    {
        // tf.keras 2 after `mha(q, v, use_causal_mask=True)`: the first argument as the reference, the rest as its kwargs.
        string json = $$$"""
            {"class_name": "Functional", "config": {"name": "model", "layers": [{{{TfKerasInput("q")}}}, {{{TfKerasInput("v")}}},
              {"class_name": "MultiHeadAttention", "config": {"name": "mha", "trainable": true, "num_heads": 1, "key_dim": 2}, "name": "mha",
               "inbound_nodes": [[["q", 0, 0, {"value": ["v", 0, 0], "use_causal_mask": true}]]]}],
             "input_layers": [["q", 0, 0], ["v", 0, 0]], "output_layers": [["mha", 0, 0]]}, "keras_version": "2.13.1", "backend": "tensorflow"}
            """;
        var model = Keras.ModelFromJson(json);
        var mha = (MultiHeadAttention)model.GetLayer("mha");
        Assert.That(mha.InboundNodes[0].Arguments["use_causal_mask"], Is.EqualTo(true));
        Assert.That(mha.InboundNodes[0].InputTensors.Select(t => t.Layer.Name), Is.EqualTo(new[] { "q", "v" }));
    }

    [Test]
    public void CallsOfOneLayerKeepTheirOwnFlags()
    {
        string json = $$$"""
            {"class_name": "Functional", "config": {"name": "model", "layers": [{{{TfKerasInput("a")}}}, {{{TfKerasInput("b")}}},
              {"class_name": "Attention", "config": {"name": "shared", "trainable": true}, "name": "shared",
               "inbound_nodes": [[["a", 0, 0, {"use_causal_mask": true}], ["a", 0, 0, {"use_causal_mask": true}]],
                                 [["b", 0, 0, {}], ["b", 0, 0, {}]]]}],
             "input_layers": [["a", 0, 0], ["b", 0, 0]], "output_layers": [["shared", 0, 0], ["shared", 1, 0]]}}
            """;
        var model = Keras.ModelFromJson(json);
        var shared = model.GetLayer("shared");
        Assert.That(shared.InboundNodes.Select(n => n.Arguments["use_causal_mask"]), Is.EqualTo(new object[] { true, false }));
        // The same sequence through both calls: the causal call's first step sees only itself, the other sees all steps.
        var sequence = Sequence(3);
        var outputs = model.PredictOutputs([sequence, sequence]).Select(t => t.ToArray<float>()).ToArray();
        Assert.That(outputs[0][..3], Is.EqualTo(new[] { sequence[0, 0, 0], sequence[0, 0, 1], sequence[0, 0, 2] }).Within(1e-6), "causal: step 0 attends to itself only");
        Assert.That(outputs[1][..3], Is.Not.EqualTo(outputs[0][..3]).Within(1e-3), "not causal: step 0 attends to every step");
        var written = JsonNode.Parse(model.ToJson())!["config"]!["layers"]!.AsArray().First(l => l!["name"]!.GetValue<string>() == "shared")!["inbound_nodes"]!;
        Assert.That(written.AsArray().Select(n => n!["kwargs"]!["use_causal_mask"]!.GetValue<bool>()), Is.EqualTo(new[] { true, false }));
    }

    [Test]
    public void AnExplicitAttentionMaskIsRefusedNotDropped()
    {
        string json = $$$"""
            {"class_name": "Functional", "config": {"name": "model", "layers": [{{{TfKerasInput("q")}}}, {{{TfKerasInput("m")}}},
              {"class_name": "MultiHeadAttention", "config": {"name": "mha", "trainable": true, "num_heads": 1, "key_dim": 2}, "name": "mha",
               "inbound_nodes": [[["q", 0, 0, {"value": ["q", 0, 0], "attention_mask": ["m", 0, 0]}]]]}],
             "input_layers": [["q", 0, 0], ["m", 0, 0]], "output_layers": [["mha", 0, 0]]}}
            """;
        var error = Assert.Throws<KerasFormatException>(() => Keras.ModelFromJson(json))!;
        Assert.That(error.Message, Does.StartWith("Layer 'mha' (MultiHeadAttention) is called with 'attention_mask' (a tensor of layer \"m\"), a call argument TfFunctional's MultiHeadAttention does not take"));
    }

    /// <summary>A layer of the user's with its own call argument: recorded per call, written into kwargs, read back by type.</summary>
    private sealed class Scale(string? name = null) : Layer(name)
    {
        // "protected internal" only because the tests see the library's internals; a user's layer writes "protected override".
        protected internal override IReadOnlyDictionary<string, object> CallArgumentDefaults => new Dictionary<string, object> { ["factor"] = 1.0 };

        public KerasTensor Call(KerasTensor x, double factor) =>
            CallWithArguments([x], asList: false, new Dictionary<string, object?> { ["factor"] = factor })[0];

        protected override Tensor CallCore(Tensor inputs, CallContext context) => Ops.Multiply(inputs, CallArgument<double>(context, "factor"));

        public static Scale FromConfig(LayerConfig config) => new(config.Name);
    }

    [TestCase(".keras")]
    [TestCase(".h5")]
    public void AnyLayersCallArgumentsTravelGenerically(string extension)
    {
        Keras.RegisterLayer("Scale", Scale.FromConfig);
        var input = Keras.Input(shape: [2], name: "x");
        var scale = new Scale(name: "scale");
        var model = new Model(input, [scale.Call(input, factor: 3.0), scale.Call(input, factor: 0.5)]);
        var kwargs = JsonNode.Parse(model.ToJson())!["config"]!["layers"]!.AsArray().First(l => l!["name"]!.GetValue<string>() == "scale")!["inbound_nodes"]!
            .AsArray().Select(n => n!["kwargs"]!.ToJsonString());
        Assert.That(kwargs, Is.EqualTo(new[] { """{"factor":3}""", """{"factor":0.5}""" }));
        string path = Path.Combine(_folder, "scale" + extension);
        model.Save(path);
        var loaded = Keras.LoadModel(path);
        var outputs = loaded.PredictOutputs(new float[,] { { 1, -2 } }).Select(t => t.ToArray<float>()).ToArray();
        Assert.That(outputs, Is.EqualTo(new[] { new[] { 3f, -6 }, new[] { 0.5f, -1 } }));
        using var eager = new Scale().Call(Tensor.From(new[] { 2f }));
        Assert.That(eager.ToArray<float>(), Is.EqualTo(new[] { 2f }), "an eager call takes the default");
    }

    [Test]
    public void CallArgumentsOfTheWrongKindOrUnknownAreRefusedNamingTheLayer()
    {
        Keras.RegisterLayer("Scale", Scale.FromConfig);
        string Model(string layer, string kwargs) => $$$"""
            {"class_name": "Functional", "config": {"name": "model", "layers": [{{{TfKerasInput("q")}}},
              {"class_name": "{{{layer}}}", "config": {"name": "l", "units": 2}, "name": "l", "inbound_nodes": [[["q", 0, 0, {{{kwargs}}}]]]}],
             "input_layers": [["q", 0, 0]], "output_layers": [["l", 0, 0]]}}
            """;
        var wrong = Assert.Throws<KerasFormatException>(() => Keras.ModelFromJson(Model("Scale", """{"factor": "big"}""")))!;
        Assert.That(wrong.Message, Does.Contain("Layer 'l' (Scale): call argument 'factor' should be a Double. Received: factor=\"big\""));
        var unknown = Assert.Throws<KerasFormatException>(() => Keras.ModelFromJson(Model("Dense", """{"scale": 2}""")))!;
        Assert.That(unknown.Message, Does.Contain("Layer 'l' (Dense) is called with 'scale' (2), a call argument TfFunctional's Dense does not take"));
        Assert.That(Keras.ModelFromJson(Model("Dense", """{"scale": null, "training": false}""")).Layers, Has.Count.EqualTo(2), "null means not given");
    }
}
