using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Mvc.Testing;
using Tensorflow;
using Tensorflow.Serving;

namespace TfFunctional.Tests.Serving;

/// <summary>
/// TF Serving's gRPC API (PredictionService.Predict and GetModelMetadata, ModelService.GetModelStatus) through a gRPC
/// client over the real ASP.NET Core pipeline, with the message definitions of TF Serving's .proto files: gRPC Predict
/// equals REST predict equals <c>Keras.LoadModel(...).Predict(...)</c>, and mistakes get gRPC's client statuses.
/// </summary>
[NonParallelizable]
public class GrpcTests
{
    private string _folder = "";
    private string _twitter = "";

    [OneTimeSetUp]
    public void MakeModel()
    {
        _folder = TemporaryFolder.Create("grpc");
        _twitter = Path.Combine(_folder, "twitter.keras");
        ServerTests.SmallTwitter(seed: 1).Save(_twitter);
    }

    [OneTimeTearDown]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    private WebApplicationFactory<TfFunctional.Server.ServerAssembly> Server(bool batching = true) =>
        new WebApplicationFactory<TfFunctional.Server.ServerAssembly>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            builder.UseSetting("IntraOpThreads", Ops.IntraOpThreads.ToString());
            builder.UseSetting("Engine", "libtorch");
            builder.UseSetting("Batching", batching.ToString());
            builder.UseSetting("Models", $"twitter={_twitter}");
        });

    private static GrpcChannel Channel(WebApplicationFactory<TfFunctional.Server.ServerAssembly> factory) =>
        GrpcChannel.ForAddress(factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = factory.Server.CreateHandler() });

    private static TensorProto Tensor(DataType dtype, long[] shape, Action<TensorProto> fill)
    {
        var tensor = new TensorProto { Dtype = dtype, TensorShape = new TensorShapeProto() };
        tensor.TensorShape.Dim.Add(shape.Select(d => new TensorShapeProto.Types.Dim { Size = d }));
        fill(tensor);
        return tensor;
    }

    /// <summary>The three rows of <see cref="ServerTests.Tokens"/> and <see cref="ServerTests.Extra"/>; tokens as int_val, or as raw tensor_content.</summary>
    private static Tensorflow.Serving.PredictRequest Request(bool rawTokens = false, int badToken = -1)
    {
        var request = new Tensorflow.Serving.PredictRequest { ModelSpec = new ModelSpec { Name = "twitter" } };
        var tokens = ServerTests.Tokens.SelectMany(r => r).ToArray();
        if (badToken >= 0) tokens[3] = badToken;
        request.Inputs["main_input"] = Tensor(DataType.DtInt32, [3, 6], t =>
        {
            if (rawTokens) t.TensorContent = ByteString.CopyFrom([.. tokens.SelectMany(BitConverter.GetBytes)]);
            else t.IntVal.Add(tokens);
        });
        request.Inputs["aux_input"] = Tensor(DataType.DtFloat, [3, 5], t => t.FloatVal.Add(ServerTests.Extra.SelectMany(r => r)));
        return request;
    }

    /// <summary>How many requests the latency histogram has observed for the twitter model.</summary>
    private static double ObservedLatencies(string metrics) => metrics.Split('\n')
        .Where(line => line.StartsWith("tffunctional_request_duration_seconds_count{model=\"twitter\"}", StringComparison.Ordinal))
        .Select(line => double.Parse(line.Split(' ')[^1], System.Globalization.CultureInfo.InvariantCulture)).SingleOrDefault();

    [Test]
    public async Task GrpcPredictEqualsRestPredictEqualsPredict()
    {
        using var factory = Server();
        using var channel = Channel(factory);
        var client = new PredictionService.PredictionServiceClient(channel);
        var expected = ServerTests.Expected(_twitter, InferenceEngine.LibTorch);
        var http = factory.CreateClient();
        double observedBefore = ObservedLatencies(await http.GetStringAsync("/metrics"));
        foreach (bool raw in new[] { false, true })
        {
            var response = await client.PredictAsync(Request(rawTokens: raw));
            Assert.That(response.ModelSpec.Name, Is.EqualTo("twitter"));
            Assert.That(response.ModelSpec.Version, Is.EqualTo(1));
            Assert.That(response.ModelSpec.SignatureName, Is.EqualTo("serving_default"));
            var main = response.Outputs["main_output"];
            Assert.That(main.Dtype, Is.EqualTo(DataType.DtFloat));
            Assert.That(main.TensorShape.Dim.Select(d => d.Size), Is.EqualTo(new long[] { 3, 1 }));
            Assert.That(main.FloatVal, Is.EqualTo(expected.Select(e => e.Main)), $"main_output (tokens {(raw ? "as tensor_content" : "as int_val")})");
            Assert.That(response.Outputs["aux_output"].FloatVal, Is.EqualTo(expected.Select(e => e.Aux)));
        }
        Assert.That(ObservedLatencies(await http.GetStringAsync("/metrics")), Is.EqualTo(observedBefore + 2), "each gRPC Predict is in the latency histogram, as REST's");
        // The same rows over REST, column form.
        string columns = new JsonObject { ["inputs"] = new JsonObject
        {
            ["main_input"] = new JsonArray([.. ServerTests.Tokens.Select(t => (JsonNode)new JsonArray([.. t.Select(v => (JsonNode)v)]))]),
            ["aux_input"] = new JsonArray([.. ServerTests.Extra.Select(e => (JsonNode)new JsonArray([.. e.Select(v => (JsonNode)v)]))]),
        } }.ToJsonString();
        var rest = JsonNode.Parse(await (await http.PostAsync("/v1/models/twitter:predict", new StringContent(columns, Encoding.UTF8, "application/json"))).Content.ReadAsStringAsync())!;
        Assert.That(rest["outputs"]!["main_output"]!.AsArray().Select(r => r![0]!.GetValue<float>()), Is.EqualTo(expected.Select(e => e.Main)));

        var filtered = Request();
        filtered.OutputFilter.Add("aux_output");
        Assert.That((await client.PredictAsync(filtered)).Outputs.Keys, Is.EqualTo(new[] { "aux_output" }));
    }

    [Test]
    public async Task MetadataAndStatusAreTfServingsMessages()
    {
        using var factory = Server();
        using var channel = Channel(factory);
        var prediction = new PredictionService.PredictionServiceClient(channel);
        var metadata = await prediction.GetModelMetadataAsync(new GetModelMetadataRequest { ModelSpec = new ModelSpec { Name = "twitter" }, MetadataField = { "signature_def" } });
        Assert.That(metadata.ModelSpec.Version, Is.EqualTo(1));
        var signatures = metadata.Metadata["signature_def"].Unpack<SignatureDefMap>();
        var signature = signatures.SignatureDef["serving_default"];
        Assert.That(signature.MethodName, Is.EqualTo("tensorflow/serving/predict"));
        Assert.That(signature.Inputs["main_input"].Name, Is.EqualTo("serving_default_main_input:0"));
        Assert.That(signature.Inputs["main_input"].Dtype, Is.EqualTo(DataType.DtInt32));
        Assert.That(signature.Inputs["main_input"].TensorShape.Dim.Select(d => d.Size), Is.EqualTo(new long[] { -1, 6 }));
        Assert.That(signature.Outputs.Keys, Is.EquivalentTo(new[] { "main_output", "aux_output" }));
        Assert.That(metadata.Metadata["signature_def"].TypeUrl, Is.EqualTo("type.googleapis.com/tensorflow.serving.SignatureDefMap"));

        var models = new ModelService.ModelServiceClient(channel);
        var status = await models.GetModelStatusAsync(new GetModelStatusRequest { ModelSpec = new ModelSpec { Name = "twitter" } });
        var version = status.ModelVersionStatus.Single();
        Assert.That((version.Version, version.State, version.Status.ErrorCode), Is.EqualTo((1L, ModelVersionStatus.Types.State.Available, Tensorflow.Error.Code.Ok)));
        var missing = Assert.ThrowsAsync<RpcException>(async () => await models.GetModelStatusAsync(new GetModelStatusRequest { ModelSpec = new ModelSpec { Name = "nope" } }));
        Assert.That((missing!.StatusCode, missing.Status.Detail), Is.EqualTo((StatusCode.NotFound, "Could not find any versions of model nope")));
    }

    [Test]
    public async Task ClientMistakesGetClientStatusesAndOnlyTheBadRequestFails()
    {
        using var factory = Server(batching: true);
        using var channel = Channel(factory);
        var client = new PredictionService.PredictionServiceClient(channel);
        (Tensorflow.Serving.PredictRequest Request, StatusCode Code, string Words)[] cases =
        [
            (Request(badToken: 50), StatusCode.InvalidArgument, "input \"main_input\": indices[0,3] = 50 is not in [0, 50)"),
            (new Tensorflow.Serving.PredictRequest { ModelSpec = new ModelSpec { Name = "nope" } }, StatusCode.NotFound, "Servable not found for request: Latest(nope)"),
            (new Tensorflow.Serving.PredictRequest { ModelSpec = new ModelSpec { Name = "twitter", Version = 4 } }, StatusCode.NotFound, "Servable not found for request: Specific(twitter, 4)"),
            (new Tensorflow.Serving.PredictRequest { ModelSpec = new ModelSpec { Name = "twitter", SignatureName = "other" } }, StatusCode.InvalidArgument, "Serving signature name: \"other\" not found in signature def"),
            (new Tensorflow.Serving.PredictRequest { ModelSpec = new ModelSpec { Name = "twitter" } }, StatusCode.InvalidArgument, "missing input(s) \"main_input\", \"aux_input\""),
            (Mutate(r => r.Inputs["aux_input"] = Tensor(DataType.DtFloat, [3, 4], t => t.FloatVal.Add(new float[12]))), StatusCode.InvalidArgument,
                "input \"aux_input\" expects a tensor of shape (None, 5) with at least one row, but received shape (3, 4)"),
            (Mutate(r => r.Inputs["aux_input"].FloatVal.RemoveAt(0)), StatusCode.InvalidArgument, "holds 15 values, but 14 were sent"),
            (Mutate(r => r.Inputs["aux_input"].FloatVal[2] = float.NaN), StatusCode.InvalidArgument, "not a finite float32"),
            (Mutate(r => r.Inputs["main_input"] = Tensor(DataType.DtString, [3, 6], t => t.StringVal.Add(ByteString.CopyFromUtf8("x")))), StatusCode.InvalidArgument, "DT_STRING"),
            (Mutate(r => r.Inputs["main_input"].IntVal[0] = 1 << 25), StatusCode.InvalidArgument, "beyond ±16777216"),
        ];
        foreach (var (request, code, words) in cases)
        {
            var error = Assert.ThrowsAsync<RpcException>(async () => await client.PredictAsync(request));
            Assert.That(error!.StatusCode, Is.EqualTo(code), words);
            Assert.That(error.Status.Detail, Does.Contain(words));
        }
        // One bad request among concurrent good ones: only it fails.
        var expected = ServerTests.Expected(_twitter, InferenceEngine.LibTorch).Select(e => e.Main).ToArray();
        var calls = Enumerable.Range(0, 12).Select(i => client.PredictAsync(Request(badToken: i == 5 ? 500 : -1)).ResponseAsync).ToArray();
        for (int i = 0; i < calls.Length; i++)
        {
            if (i == 5)
            {
                Assert.That(Assert.ThrowsAsync<RpcException>(async () => await calls[i])!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
                continue;
            }
            // Batched with others, a row may round differently in the last bit.
            Assert.That((await calls[i]).Outputs["main_output"].FloatVal, Is.EqualTo(expected).Within(1e-6f), $"good request {i}");
        }
    }

    private static Tensorflow.Serving.PredictRequest Mutate(Action<Tensorflow.Serving.PredictRequest> change)
    {
        var request = Request();
        change(request);
        return request;
    }
}
