using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using TfFunctional.Serving;

namespace TfFunctional.Tests.Serving;

/// <summary>The TF Serving REST API over the real ASP.NET Core pipeline (Microsoft.AspNetCore.Mvc.Testing).</summary>
[NonParallelizable]
public class ServerTests
{
    private string _folder = "";
    private string _twitter = "";

    [OneTimeSetUp]
    public void MakeModels()
    {
        _folder = TemporaryFolder.Create("server");
        _twitter = Path.Combine(_folder, "twitter.keras");
        SmallTwitter(seed: 1).Save(_twitter);
    }

    [OneTimeTearDown]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    /// <summary>The guide's Twitter model at a small size: two inputs (int tokens, floats), two outputs.</summary>
    internal static Model SmallTwitter(int seed)
    {
        Keras.ClearSession();
        var mainInput = Keras.Input(shape: [6], dtype: DType.Int32, name: "main_input");
        var x = new Embedding(50, 8, embeddingsInitializer: new Initializers.RandomUniform(seed: seed)).Call(mainInput);
        var lstmOut = new LSTM(4, kernelInitializer: new Initializers.GlorotUniform(seed: seed)).Call(x);
        var auxOutput = new Dense(1, activation: "sigmoid", name: "aux_output").Call(lstmOut);
        var auxInput = Keras.Input(shape: [5], name: "aux_input");
        x = Keras.Layers.Concatenate([lstmOut, auxInput]);
        x = new Dense(8, activation: "relu", kernelInitializer: new Initializers.GlorotUniform(seed: seed + 1)).Call(x);
        var mainOutput = new Dense(1, activation: "sigmoid", name: "main_output", kernelInitializer: new Initializers.GlorotUniform(seed: seed + 2)).Call(x);
        return new Model([mainInput, auxInput], [mainOutput, auxOutput]);
    }

    private WebApplicationFactory<TfFunctional.Server.ServerAssembly> Server(bool batching = true, long? maxBytes = null, string? model = null, string extraModels = "",
        string engine = "auto", int? maxRows = null, long? maxWorkingBytes = null) =>
        new WebApplicationFactory<TfFunctional.Server.ServerAssembly>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            // The server picks one kernel thread by default; the rest of this test process keeps its own setting.
            builder.UseSetting("IntraOpThreads", Ops.IntraOpThreads.ToString());
            builder.UseSetting("Models", $"twitter={model ?? _twitter};{extraModels}");
            builder.UseSetting("Batching", batching.ToString());
            builder.UseSetting("Engine", engine);
            if (maxRows is int rows) builder.UseSetting("MaxRowsPerRequest", rows.ToString());
            if (maxBytes is long limit) builder.UseSetting("MaxRequestBytes", limit.ToString());
            if (maxWorkingBytes is long working) builder.UseSetting("MaxWorkingBytesPerRequest", working.ToString());
        });

    internal static readonly int[][] Tokens = [[1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12], [49, 0, 3, 3, 2, 1]];
    internal static readonly float[][] Extra = [[0.1f, 0.2f, 0.3f, 0.4f, 0.5f], [1, 0, 1, 0, 1], [-1, 2, -3, 4, -5]];

    internal static string RowBody(int row) =>
        new JsonObject { ["instances"] = new JsonArray(new JsonObject
        {
            ["main_input"] = new JsonArray(Tokens[row].Select(t => (JsonNode)t).ToArray()),
            ["aux_input"] = new JsonArray(Extra[row].Select(v => (JsonNode)v).ToArray()),
        }) }.ToJsonString();

    internal static async Task<(HttpStatusCode Status, JsonNode Body)> Post(HttpClient client, string model, string body)
    {
        var response = await client.PostAsync($"/v1/models/{model}:predict", new StringContent(body, Encoding.UTF8, "application/json"));
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    /// <summary>
    /// In-process predictions for <paramref name="rows"/> (all three when none are given) predicted as one batch, as the
    /// server batches a request alone: libtorch may round a row differently in a batch of another size. The engine is the
    /// server's: ONNX Runtime by default (the Twitter model exports), libtorch when asked.
    /// </summary>
    private static (float Main, float Aux)[] Expected(string path, params int[] rows) => Expected(path, InferenceEngine.OnnxRuntime, rows);

    internal static (float Main, float Aux)[] Expected(string path, InferenceEngine engine, params int[] rows)
    {
        if (rows.Length == 0) rows = [0, 1, 2];
        var tokens = new int[rows.Length, Tokens[0].Length];
        var extra = new float[rows.Length, Extra[0].Length];
        for (int i = 0; i < rows.Length; i++)
        {
            for (int t = 0; t < Tokens[0].Length; t++) tokens[i, t] = Tokens[rows[i]][t];
            for (int e = 0; e < Extra[0].Length; e++) extra[i, e] = Extra[rows[i]][e];
        }
        using var model = Keras.LoadModel(path);
        if (engine == InferenceEngine.OnnxRuntime) model.UseOnnxRuntime();
        var outputs = model.PredictOutputs([tokens, extra]);
        return outputs[0].ToArray<float>().Zip(outputs[1].ToArray<float>()).ToArray();
    }

    /// <summary>--engine libtorch serves libtorch's numbers; the default (ONNX Runtime here) agrees with them to float rounding.</summary>
    [Test]
    public async Task EachEngineServesItsOwnNumbers()
    {
        foreach (var engine in new[] { InferenceEngine.LibTorch, InferenceEngine.OnnxRuntime })
        {
            using var factory = Server(batching: false, engine: engine == InferenceEngine.LibTorch ? "libtorch" : "onnxruntime");
            var client = factory.CreateClient();
            var (code, body) = await Post(client, "twitter", RowBody(2));
            Assert.That(code, Is.EqualTo(HttpStatusCode.OK));
            float main = body["predictions"]![0]!["main_output"]![0]!.GetValue<float>();
            Assert.That(main, Is.EqualTo(Expected(_twitter, engine, 2)[0].Main), engine.ToString());
            Assert.That(main, Is.EqualTo(Expected(_twitter, InferenceEngine.LibTorch, 2)[0].Main).Within(1e-5), $"{engine} agrees with libtorch");
        }
    }

    [Test]
    public async Task EndpointsAnswerAsTfServing()
    {
        using var factory = Server();
        var client = factory.CreateClient();
        var status = JsonNode.Parse(await client.GetStringAsync("/v1/models/twitter"))!;
        Assert.That(status["model_version_status"]![0]!["state"]!.GetValue<string>(), Is.EqualTo("AVAILABLE"));
        var metadata = JsonNode.Parse(await client.GetStringAsync("/v1/models/twitter/metadata"))!;
        // TF Serving's GetModelMetadataResponse JSON (tensorflow_serving/apis/get_model_metadata.proto, REST API doc).
        Assert.That(metadata["model_spec"]!.ToJsonString(), Is.EqualTo("{\"name\":\"twitter\",\"signature_name\":\"\",\"version\":\"1\"}"));
        var signature = metadata["metadata"]!["signature_def"]!["signature_def"]!["serving_default"]!;
        Assert.That(signature["inputs"]!["main_input"]!.ToJsonString(), Is.EqualTo(
            "{\"dtype\":\"DT_INT32\",\"tensor_shape\":{\"dim\":[{\"size\":\"-1\",\"name\":\"\"},{\"size\":\"6\",\"name\":\"\"}],\"unknown_rank\":false}," +
            "\"name\":\"serving_default_main_input:0\"}"));
        Assert.That(signature["method_name"]!.GetValue<string>(), Is.EqualTo("tensorflow/serving/predict"));
        Assert.That(signature["inputs"]!["main_input"]!["dtype"]!.GetValue<string>(), Is.EqualTo("DT_INT32"));
        Assert.That(signature["outputs"]!.AsObject().Select(p => p.Key), Is.EqualTo(new[] { "main_output", "aux_output" }));
        Assert.That((await client.GetAsync("/healthz")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await client.GetStringAsync("/metrics"), Does.Contain("tffunctional_requests_total"));

        var single = Expected(_twitter, 0)[0];
        var (code, rows) = await Post(client, "twitter", RowBody(0));
        Assert.That(code, Is.EqualTo(HttpStatusCode.OK));
        var prediction = rows["predictions"]![0]!;
        Assert.That(prediction["main_output"]![0]!.GetValue<float>(), Is.EqualTo(single.Main));
        Assert.That(prediction["aux_output"]![0]!.GetValue<float>(), Is.EqualTo(single.Aux));

        string columns = new JsonObject { ["inputs"] = new JsonObject
        {
            ["main_input"] = new JsonArray(Tokens.Select(t => (JsonNode)new JsonArray(t.Select(v => (JsonNode)v).ToArray())).ToArray()),
            ["aux_input"] = new JsonArray(Extra.Select(e => (JsonNode)new JsonArray(e.Select(v => (JsonNode)v).ToArray())).ToArray()),
        } }.ToJsonString();
        var (columnCode, columnBody) = await Post(client, "twitter", columns);
        Assert.That(columnCode, Is.EqualTo(HttpStatusCode.OK));
        var mains = columnBody["outputs"]!["main_output"]!.AsArray().Select(r => r![0]!.GetValue<float>()).ToArray();
        Assert.That(mains, Is.EqualTo(Expected(_twitter).Select(e => e.Main)), "served predictions equal LoadModel(...).Predict(...)");
    }

    [Test]
    public async Task ServesSeveralModelsFromH5AndTfJsFiles()
    {
        string h5 = Path.Combine(_folder, "twitter.h5");
        Keras.LoadModel(_twitter).Save(h5);
        string tfjs = Fixtures.Keras("tensorflow__tfjs/e2e/integration_tests/load_predict_data/layers_model");
        using var factory = Server(extraModels: $"legacy={h5};gru={Path.Combine(tfjs, "model.json")}");
        var client = factory.CreateClient();

        var (code, body) = await Post(client, "legacy", RowBody(1));
        Assert.That(code, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(body["predictions"]![0]!["aux_output"]![0]!.GetValue<float>(), Is.EqualTo(Expected(_twitter, 1)[0].Aux));

        // A single unnamed input: bare rows in "instances", a bare batch in "inputs"; a single output comes back bare too.
        var recorded = JsonNode.Parse(File.ReadAllText(Path.Combine(tfjs, "expected_transcribed.json")))!;
        var tokens = recorded["input"]!["data"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray();
        var want = recorded["expected_output"]!["data"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
        string row = "[" + string.Join(",", tokens.Select(t => ((int)t).ToString())) + "]";
        var (rowCode, rowBody) = await Post(client, "gru", $"{{\"instances\": [{row}]}}");
        Assert.That(rowCode, Is.EqualTo(HttpStatusCode.OK), rowBody.ToJsonString());
        Fixtures.AssertClose(rowBody["predictions"]![0]!.AsArray().Select(v => v!.GetValue<float>()).ToArray(), want, "served tfjs model, row form");
        var (columnCode, columnBody) = await Post(client, "gru", $"{{\"inputs\": [{row}]}}");
        Assert.That(columnCode, Is.EqualTo(HttpStatusCode.OK));
        Fixtures.AssertClose(columnBody["outputs"]![0]!.AsArray().Select(v => v!.GetValue<float>()).ToArray(), want, "served tfjs model, column form");

        var gruMetadata = JsonNode.Parse(await client.GetStringAsync("/v1/models/gru/metadata"))!;
        var inputs = gruMetadata["metadata"]!["signature_def"]!["signature_def"]!["serving_default"]!["inputs"]!.AsObject();
        Assert.That(inputs.Count, Is.EqualTo(1));
        Assert.That(inputs.Single().Value!["tensor_shape"]!["dim"]!.AsArray().Select(d => d!["size"]!.GetValue<string>()), Is.EqualTo(new[] { "-1", "10" }));
    }

    [Test]
    public async Task NonFiniteOutputsAreWrittenAsTfServingDoes()
    {
        Keras.ClearSession();
        var input = Keras.Input(shape: [2], name: "x");
        var dense = new Dense(2, name: "broken");
        var model = new Model(input, dense.Call(input));
        dense.SetWeights([new float[,] { { float.NaN, 1 }, { 0, 1 } }, new[] { 0f, float.PositiveInfinity }]);
        string path = Path.Combine(_folder, "broken.keras");
        model.Save(path);
        using var factory = Server(extraModels: $"broken={path}");
        var client = factory.CreateClient();
        var response = await client.PostAsync("/v1/models/broken:predict", new StringContent("{\"instances\": [[1, 2]]}", Encoding.UTF8, "application/json"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("{\"predictions\":[[\"NaN\",\"Infinity\"]]}"));
    }

    [Test]
    public async Task BatchingOnAndOffGiveIdenticalNumbers()
    {
        var results = new Dictionary<bool, float[]>();
        foreach (bool batching in new[] { true, false })
        {
            using var factory = Server(batching);
            var client = factory.CreateClient();
            var answers = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => Post(client, "twitter", RowBody(i % 3))));
            Assert.That(answers.All(a => a.Status == HttpStatusCode.OK));
            results[batching] = answers.Select(a => a.Body["predictions"]![0]!["main_output"]![0]!.GetValue<float>()).ToArray();
        }
        // Not bit for bit: libtorch's CPU kernels take a vectorized path for rows in groups of 4 and a scalar path for
        // the rest, so the same row can round 1 ulp apart depending on where it sits in a batch (measured: a sigmoid
        // output 0.21294136 alone, 0.2129414 as the 4th row of 4). Batching must not change more than that.
        Assert.That(results[true], Is.EqualTo(results[false]).Within(1e-6f));
    }

    [Test]
    public async Task OneBadTokenAmongConcurrentGoodRequestsFailsOnlyItself([Values] bool batching)
    {
        using var factory = Server(batching);
        var client = factory.CreateClient();
        string bad = RowBody(0).Replace("[1,2,3,4,5,6]", "[1,2,3,4,5,500]");
        Assert.That(bad, Does.Contain("500"));
        var expected = Expected(_twitter, 1)[0].Main;
        for (int round = 0; round < 5; round++)
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Post(client, "twitter", i == 7 ? bad : RowBody(1))));
            for (int i = 0; i < answers.Length; i++)
            {
                if (i == 7)
                {
                    Assert.That(answers[i].Status, Is.EqualTo(HttpStatusCode.BadRequest), "the bad request");
                    Assert.That(answers[i].Body["error"]!.GetValue<string>(), Does.Contain("indices[0,5] = 500 is not in [0, 50)"));
                    continue;
                }
                Assert.That(answers[i].Status, Is.EqualTo(HttpStatusCode.OK), $"good request {i}, round {round}");
                Assert.That(answers[i].Body["predictions"]![0]!["main_output"]![0]!.GetValue<float>(), Is.EqualTo(expected).Within(1e-6f));
            }
        }
    }

    /// <summary>
    /// Behind the request check, the batcher still isolates a request that fails inside a batch: it reruns the batch one
    /// request at a time, so only that request fails (here an id the check would have refused, given straight to the batcher).
    /// </summary>
    [Test]
    public async Task ABatchThatFailsIsRerunRequestByRequest()
    {
        using var served = new ServedModel("twitter", _twitter, new KerasModelOptions { EnableBatching = true, BatchTimeout = TimeSpan.FromMilliseconds(50), Engine = InferenceEngine.LibTorch });
        float[] Tokens(int last) => [1, 2, 3, 4, 5, last];
        var extra = Extra[0];
        var calls = Enumerable.Range(0, 8).Select(i => served.Batcher.PredictAsync([Tokens(i == 3 ? 500 : 6), extra], 1)).ToArray();
        var bad = Assert.ThrowsAsync<ArgumentException>(async () => await calls[3]);
        Assert.That(bad!.Message, Does.Contain("indices[0,5] = 500 is not in [0, 50)"));
        var expected = Expected(_twitter, InferenceEngine.LibTorch, 0)[0].Main;   // row 0: tokens 1..6, Extra[0]
        foreach (var call in calls.Where((_, i) => i != 3))
            Assert.That((await call)[0].Values[0], Is.EqualTo(expected).Within(1e-6f));
    }

    /// <summary>
    /// 2,400 seeded hostile bodies, eight at a time beside good requests: ids out of range and negative, wrong types,
    /// deep nesting, NaN and infinity literals, huge numbers, lone surrogates (escaped and as raw bytes), missing and
    /// extra inputs, wrong row lengths, random byte damage. Every one answers a 4xx with a JSON error (never a 5xx);
    /// every good request beside them answers its right numbers; the error counter shows no internal error.
    /// </summary>
    [Test]
    public async Task TwoThousandHostileBodiesAreFourHundredsAndGoodRequestsStayRight([Values] bool batching)
    {
        using var factory = Server(batching);
        var client = factory.CreateClient();
        var random = new Random(batching ? 11 : 12);
        var expected = Expected(_twitter, 1)[0].Main;
        string Tokens(params object[] values) => "[" + string.Join(",", values) + "]";
        string Body(string tokens, string extra = "[1,0,1,0,1]", string more = "") =>
            $"{{\"instances\": [{{\"main_input\": {tokens}, \"aux_input\": {extra}{more}}}]}}";
        byte[] Hostile(int i)
        {
            int id = random.Next(50);
            string text = (i % 12) switch
            {
                0 => Body(Tokens(1, 2, 3, 50 + random.Next(1_000_000), 5, 6)),
                1 => Body(Tokens(1, 2, -1 - random.Next(1000), 4, 5, 6)),
                2 => Body(Tokens(1, 2, 3, 4, 5, random.Next(3) switch { 0 => "\"x\"", 1 => "true", _ => "null" })),
                3 => Body(Tokens(id, 2, 3, 4, 5, 6), extra: new string('[', 10 + random.Next(3000)) + "1" + new string(']', 10 + random.Next(3000))),
                4 => Body(Tokens(id, 2, 3, 4, 5, 6), extra: Tokens(1, 0, random.Next(3) switch { 0 => "NaN", 1 => "Infinity", _ => "-Infinity" }, 0, 1)),
                5 => Body(Tokens(id, 2, 3, 4, 5, 6), extra: Tokens(1, 0, random.Next(2) == 0 ? "1e39" : "-1e308", 0, 1)),
                6 => Body(Tokens(1, 2, 3, 4, 5, random.Next(2) == 0 ? "123456789012345678901234567890" : "16777217")),
                7 => Body(Tokens(id, 2, 3, 4, 5, 6), more: ", \"main_input\\ud800\": [1]"),
                8 => random.Next(2) == 0 ? "{\"instances\": [{\"main_input\": [1,2,3,4,5,6]}]}" : Body(Tokens(id, 2, 3, 4, 5, 6), more: ", \"extra_input\": [1]"),
                9 => Body(Tokens(Enumerable.Range(0, random.Next(7, 20)).Cast<object>().ToArray())),
                10 => "{\"inputs\": {\"main_input\": [[1,2,3,4,5,6]], \"aux_input\": {\"a\": 1}}}",
                _ => "",
            };
            if (i % 12 == 11)
            {
                // Byte damage, and now and then a lone surrogate as raw (CESU-8) bytes, which is not UTF-8.
                var bytes = Encoding.UTF8.GetBytes(RowBody(random.Next(3)));
                for (int m = 0; m < 1 + random.Next(4); m++) bytes[random.Next(bytes.Length)] = (byte)random.Next(1, 256);
                if (random.Next(3) == 0) bytes = [.. bytes[..10], 0xED, 0xA0, 0x80, .. bytes[10..]];
                return bytes;
            }
            return Encoding.UTF8.GetBytes(text);
        }
        double internalBefore = InternalErrors(await client.GetStringAsync("/metrics"));
        int hostile = 0, fourHundreds = 0, goodChecked = 0;
        for (int round = 0; round < 300; round++)
        {
            var bodies = Enumerable.Range(0, 8).Select(i => Hostile(round * 8 + i)).ToArray();
            var posts = bodies.Select(async body =>
            {
                var response = await client.PostAsync("/v1/models/twitter:predict", new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } });
                return (body, response.StatusCode, Text: await response.Content.ReadAsStringAsync());
            }).ToArray();
            var good = Post(client, "twitter", RowBody(1));
            foreach (var (body, status, text) in await Task.WhenAll(posts))
            {
                hostile++;
                string shown = Encoding.UTF8.GetString(body);
                shown = shown.Length > 200 ? shown[..200] : shown;
                // Byte damage can leave a body that is still a valid request: then it is answered, and rightly.
                if (status == HttpStatusCode.OK) continue;
                Assert.That((int)status, Is.InRange(400, 499), shown);
                Assert.That(JsonNode.Parse(text)!["error"]!.GetValue<string>(), Is.Not.Empty, shown);
                fourHundreds++;
            }
            var (goodStatus, goodBody) = await good;
            Assert.That(goodStatus, Is.EqualTo(HttpStatusCode.OK), $"round {round}");
            Assert.That(goodBody["predictions"]![0]!["main_output"]![0]!.GetValue<float>(), Is.EqualTo(expected).Within(1e-6f));
            goodChecked++;
        }
        TestContext.Out.WriteLine($"{hostile} hostile bodies: {fourHundreds} answered 4xx, {hostile - fourHundreds} were still valid requests; {goodChecked} good requests right");
        Assert.That(hostile, Is.GreaterThanOrEqualTo(2000));
        Assert.That(fourHundreds, Is.GreaterThan(hostile * 9 / 10));
        Assert.That(InternalErrors(await client.GetStringAsync("/metrics")), Is.EqualTo(internalBefore), "no hostile body was counted as a server fault");
    }

    /// <summary>The twitter model's count of internal errors in a Prometheus scrape (the registry is the process's).</summary>
    private static double InternalErrors(string metrics) => metrics.Split('\n')
        .Where(l => l.StartsWith("tffunctional_errors_total{", StringComparison.Ordinal) && l.Contains("model=\"twitter\"") && l.Contains("kind=\"internal\""))
        .Select(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture)).Sum();

    /// <summary>
    /// A candidate file is loaded in a child process before the server loads it: a good file passes, a broken one is
    /// refused with the loader's own message, and the cost of a check is measured.
    /// </summary>
    [Test]
    public void CandidatesAreCheckedInAChildProcess()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.That(TfFunctional.Server.CandidateCheck.InChildProcess(_twitter), Is.Null);
        TestContext.Out.WriteLine($"checking {Path.GetFileName(_twitter)} in a child process took {clock.ElapsedMilliseconds} ms");
        string broken = Path.Combine(_folder, "broken-candidate.keras");
        File.WriteAllBytes(broken, [0x50, 0x4B, 0x03, 0x04, 1, 2, 3]);
        Assert.That(TfFunctional.Server.CandidateCheck.InChildProcess(broken), Does.Contain("broken-candidate.keras is not a .keras file"));
    }

    /// <summary>The server's command line: --help answers, a mistake exits 2 with a message instead of an exception.</summary>
    [TestCase("--help", 0, "usage: dotnet run --project tools/Server")]
    [TestCase("--bogus", 2, "error: unknown option --bogus")]
    [TestCase("--port", 2, "error: --port needs a value")]
    [TestCase("--model x=y --max-rows many", 2, "error: --max-rows takes a whole number, not 'many'")]
    [TestCase("--model x=y --port 85.5", 2, "error: --port takes a whole number, not '85.5'")]
    [TestCase("--model twitter.keras", 2, "error: --model takes name=path, not 'twitter.keras'")]
    [TestCase("--model x=y --host example", 2, "error: --host takes an IP address")]
    public void CommandLineMistakesExitTwo(string arguments, int code, string words)
    {
        string server = typeof(TfFunctional.Server.ServerAssembly).Assembly.Location;
        var start = new System.Diagnostics.ProcessStartInfo("dotnet", [server, .. arguments.Split(' ')]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = System.Diagnostics.Process.Start(start)!;
        // Read both streams while waiting, with a bound: a server that never exits fails the test instead of hanging it.
        var standardOutput = process.StandardOutput.ReadToEndAsync();
        var standardError = process.StandardError.ReadToEndAsync();
        Assert.That(process.WaitForExit(60_000), Is.True, "the server exits");
        string output = standardOutput.Result + standardError.Result;
        Assert.That(process.ExitCode, Is.EqualTo(code), output);
        Assert.That(output, Does.Contain(words));
        Assert.That(output, Does.Not.Contain("   at "), "one line and the usage, never a stack trace");
    }

    /// <summary>
    /// Over real HTTP (Kestrel): a body shorter than its Content-Length, or malformed chunks, is the client's mistake —
    /// a 400, never a 5xx — and the server answers the next request; and gRPC answers on its own port (HTTP/2 without TLS).
    /// </summary>
    [Test]
    public async Task BrokenBodiesAreFourHundreds()
    {
        int port = 18600 + Environment.ProcessId % 300;
        string server = typeof(TfFunctional.Server.ServerAssembly).Assembly.Location;
        int grpcPort = port + 300;
        var start = new System.Diagnostics.ProcessStartInfo("dotnet", [server, "--model", $"twitter={_twitter}", "--rest_api_port", port.ToString(), "--port", grpcPort.ToString(), "--engine", "libtorch"])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = System.Diagnostics.Process.Start(start)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            for (int attempt = 0; ; attempt++)
            {
                try
                {
                    if ((await client.GetAsync("/healthz")).IsSuccessStatusCode) break;
                }
                catch (HttpRequestException) when (attempt < 300)
                {
                }
                await Task.Delay(100);
            }
            async Task<string> Raw(string request, bool closeEarly)
            {
                using var socket = new System.Net.Sockets.TcpClient();
                await socket.ConnectAsync("127.0.0.1", port);
                var stream = socket.GetStream();
                await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
                if (closeEarly) socket.Client.Shutdown(System.Net.Sockets.SocketShutdown.Send);
                using var reader = new StreamReader(stream, Encoding.ASCII);
                return await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)) ?? "";   // no answer fails, never hangs
            }
            string head = "POST /v1/models/twitter:predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n";
            string badChunks = await Raw(head + "Transfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n", closeEarly: false);
            Assert.That(badChunks, Does.StartWith("HTTP/1.1 400"), "a malformed chunk size");
            // A Content-Length longer than the body: Kestrel gives up on the missing bytes (its minimum data rate) and the
            // client hears a 4xx (408), not the 503 of an internal fault.
            string shortBody = await Raw(head + "Content-Length: 400\r\n\r\n{\"instances\": [", closeEarly: false);
            Assert.That(shortBody, Does.Match("^HTTP/1.1 4[0-9][0-9]"), "a body shorter than its Content-Length");
            var (code, _) = await Post(client, "twitter", RowBody(0));
            Assert.That(code, Is.EqualTo(HttpStatusCode.OK), "the server answers on");

            using var channel = Grpc.Net.Client.GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
            var status = await new Tensorflow.Serving.ModelService.ModelServiceClient(channel)
                .GetModelStatusAsync(new Tensorflow.Serving.GetModelStatusRequest { ModelSpec = new Tensorflow.Serving.ModelSpec { Name = "twitter" } });
            Assert.That(status.ModelVersionStatus.Single().State, Is.EqualTo(Tensorflow.Serving.ModelVersionStatus.Types.State.Available), "gRPC on its port");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
    }

    /// <summary>A row-form body of <paramref name="count"/> rows, cycling through the three sample rows.</summary>
    private static string Rows(int count) => new JsonObject { ["instances"] = new JsonArray(Enumerable.Range(0, count).Select(r => (JsonNode)new JsonObject
    {
        ["main_input"] = new JsonArray(Tokens[r % 3].Select(t => (JsonNode)t).ToArray()),
        ["aux_input"] = new JsonArray(Extra[r % 3].Select(v => (JsonNode)v).ToArray()),
    }).ToArray()) }.ToJsonString();

    /// <summary>A model whose input leaves a size open (variable-length sequences) is refused per request with a 400 naming the input, as the server needs fixed row shapes.</summary>
    [Test]
    public async Task AnInputWithVariableDimensionsIsNamed()
    {
        Keras.ClearSession();
        var steps = Keras.Input(shape: [null, 3], name: "steps");
        string path = Path.Combine(_folder, "variable.keras");
        new Model(steps, new LSTM(2).Call(steps)).Save(path);
        using var factory = Server(model: path);
        var client = factory.CreateClient();
        var (code, body) = await Post(client, "twitter", """{"instances": [[[1, 2, 3]]]}""");
        Assert.That((int)code, Is.EqualTo(400));
        Assert.That(body["error"]!.GetValue<string>(), Is.EqualTo("input \"steps\" has variable dimensions (None, None, 3); the server needs fixed ones."));
    }

    /// <summary>One request cannot hold more rows than the limit: a 413 naming it, before any tensor exists, and the server answers on.</summary>
    [Test]
    public async Task ARequestBeyondTheRowLimitGetsA413()
    {
        using var factory = Server(maxRows: 2);
        var client = factory.CreateClient();
        var (code, body) = await Post(client, "twitter", Rows(3));
        Assert.That((int)code, Is.EqualTo(413));
        Assert.That(body["error"]!.GetValue<string>(), Is.EqualTo("The request holds 3 rows, more than the 2 rows one request may hold (MaxRowsPerRequest); split it into smaller requests."));
        var (ok, answer) = await Post(client, "twitter", Rows(2));
        Assert.That(ok, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(answer["predictions"]!.AsArray(), Has.Count.EqualTo(2));
        Assert.That(await client.GetStringAsync("/metrics"), Does.Contain("too_large"));
    }

    /// <summary>
    /// One request cannot need more working memory than the limit (rows × the model's activations per row): a 413 naming
    /// both figures and the rows that fit, before any tensor exists; requests within it are answered, batched or not.
    /// </summary>
    [TestCase(true)]
    [TestCase(false)]
    public async Task ARequestBeyondTheWorkingMemoryLimitGetsA413(bool batching)
    {
        long perRow = Keras.LoadModel(_twitter).ActivationBytesPerSample();
        using var factory = Server(batching: batching, maxWorkingBytes: perRow * 2 + perRow / 2);
        var client = factory.CreateClient();
        var (code, body) = await Post(client, "twitter", Rows(3));
        Assert.That((int)code, Is.EqualTo(413));
        Assert.That(body["error"]!.GetValue<string>(), Does.StartWith("The request's 3 rows would need about ").And
            .Contains("more than the").And.EndsWith("one request may use (MaxWorkingBytesPerRequest); send at most 2 rows per request."));
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Post(client, "twitter", Rows(2))));
        Assert.That(answers.Select(a => a.Item1), Is.All.EqualTo(HttpStatusCode.OK));
        Assert.That(answers.Select(a => a.Item2["predictions"]!.AsArray().Count), Is.All.EqualTo(2));
    }

    /// <summary>The batcher gathers no more rows than the working-memory bound allows: 2-row requests under a 2.5-row bound run one per batch.</summary>
    [Test]
    public async Task AGatheredBatchStaysWithinTheWorkingMemoryLimit()
    {
        long perRow = Keras.LoadModel(_twitter).ActivationBytesPerSample();
        string name = "bounded_" + Guid.NewGuid().ToString("N")[..8];   // its own label in the process-wide metrics
        var options = new KerasModelOptions { MaxWorkingBytesPerRequest = perRow * 2 + perRow / 2, BatchTimeout = TimeSpan.FromMilliseconds(20), WatchFile = false };
        using var served = new ServedModel(name, _twitter, options);
        float[] tokens = [.. Tokens[0].Select(t => (float)t), .. Tokens[1].Select(t => (float)t)];
        float[] extra = [.. Extra[0], .. Extra[1]];
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => served.Batcher.PredictAsync([tokens, extra], 2)));
        Assert.That(results.Select(r => r[0].Rows), Is.All.EqualTo(2));
        var batches = ServingMetrics.BatchSize.WithLabels(name);
        Assert.That((batches.Count, batches.Sum), Is.EqualTo((8L, 16.0)), "eight batches of one 2-row request each");
    }

    [Test]
    public async Task BadRequestsGetFourHundredsAndTheServerKeepsAnswering()
    {
        using var factory = Server(maxBytes: 4096);
        var client = factory.CreateClient();
        (string Body, int Status, string Words)[] cases =
        [
            ("{not json", 400, "JSON Parse error"),
            ("[1, 2]", 400, "must be a JSON object"),
            ("{}", 400, "exactly one of \"instances\""),
            ("{\"instances\": [{\"main_input\": [1,2,3,4,5,6]}]}", 400, "missing input(s) \"aux_input\""),
            ("{\"instances\": [{\"main_input\": [1,2,3,4,5,6], \"aux_input\": [1,2,3,4,5], \"other\": 1}]}", 400, "unknown input(s) \"other\""),
            ("{\"instances\": [{\"main_input\": [1,2,3], \"aux_input\": [1,2,3,4,5]}]}", 400, "input \"main_input\" expects rows of shape (6,) (model input (None, 6)), but received shape (3,)"),
            ("{\"instances\": [{\"main_input\": [[1,2,3,4,5,6]], \"aux_input\": [1,2,3,4,5]}]}", 400, "expects rows of shape (6,) (model input (None, 6)), but received shape (1, 6)"),
            ("{\"instances\": [{\"main_input\": [1.5,2,3,4,5,6], \"aux_input\": [1,2,3,4,5]}]}", 400, "has dtype int32, but received the non-integer 1.5"),
            ("{\"instances\": [{\"main_input\": [16777217,2,3,4,5,6], \"aux_input\": [1,2,3,4,5]}]}", 400,
                "input \"main_input\" has dtype int32, but received 16777217, beyond ±16777216 (the largest integers this server carries exactly)"),
            ("{\"instances\": [{\"main_input\": [1,2,3,50,5,6], \"aux_input\": [1,2,3,4,5]}]}", 400, "input \"main_input\": indices[0,3] = 50 is not in [0, 50)"),
            ("{\"inputs\": {\"main_input\": [[1,2,3,4,5,6],[1,-2,3,4,5,6]], \"aux_input\": [[1,2,3,4,5],[1,2,3,4,5]]}}", 400, "indices[1,1] = -2 is not in [0, 50)"),
            ("{\"instances\": [{\"main_input\": [1,2,3,4,5,6], \"aux_input\": [1,2,3,4,\"x\"]}]}", 400, "input \"aux_input\" expects numbers (float32) in rows of shape (5,), but found a string inside the row"),
            ("{\"instances\": [{\"main_input\": [1,2,3,4,5,6], \"aux_input\": [1,2,3,4,1e999]}]}", 400, "not a finite float32"),
            ("{\"inputs\": {\"main_input\": [[1,2,3,4,5,6]], \"aux_input\": [[1,2,3,4,5],[1,2,3,4,5]]}}", 400, "every input needs the same number of rows"),
            ("{\"instances\": [" + string.Join(",", Enumerable.Repeat("1", 3000)) + "]}", 413, "exceeds the limit"),
        ];
        foreach (var (body, status, words) in cases)
        {
            var (code, answer) = await Post(client, "twitter", body);
            Assert.That((int)code, Is.EqualTo(status), body.Length > 80 ? body[..80] : body);
            Assert.That(answer["error"]!.GetValue<string>(), Does.Contain(words), body.Length > 80 ? body[..80] : body);
        }
        var (missingCode, missing) = await Post(client, "nope", RowBody(0));
        Assert.That(missingCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(missing["error"]!.GetValue<string>(), Is.EqualTo("Servable not found for request: Latest(nope)"));

        // A few hundred mutated bodies: every answer is 200 or a 4xx with an error, never a 5xx.
        var random = new Random(7);
        string valid = RowBody(1);
        for (int i = 0; i < 300; i++)
        {
            var bytes = Encoding.UTF8.GetBytes(valid);
            int mutations = 1 + random.Next(4);
            for (int m = 0; m < mutations; m++) bytes[random.Next(bytes.Length)] = (byte)random.Next(32, 127);
            string body = i % 10 == 0 ? valid[..random.Next(valid.Length)] : Encoding.UTF8.GetString(bytes);
            var (code, answer) = await Post(client, "twitter", body);
            Assert.That((int)code, Is.EqualTo(200).Or.InRange(400, 499), body);
            if (code != HttpStatusCode.OK) Assert.That(answer["error"], Is.Not.Null, body);
        }
        var (okCode, ok) = await Post(client, "twitter", RowBody(2));
        Assert.That(okCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(ok["predictions"]![0]!["main_output"]![0]!.GetValue<float>(), Is.EqualTo(Expected(_twitter, 2)[0].Main));
    }

    [Test]
    public async Task ARequestCheckedBeforeAReloadRunsOnlyIfTheInputsStillFit()
    {
        string path = Path.Combine(_folder, "signature.keras");
        SmallTwitter(seed: 1).Save(path);
        using var served = new ServedModel("signature", path, new KerasModelOptions { WatchFile = false, EnableBatching = false });
        var checkedAgainst = served.Model;
        using var document = JsonDocument.Parse(RowBody(0));
        var parsed = PredictRequest.Parse(document.RootElement, checkedAgainst);

        // The same inputs and another output: the request runs on the new version, under the new output's name.
        Keras.ClearSession();
        var tokens = Keras.Input(shape: [6], dtype: DType.Int32, name: "main_input");
        var extra = Keras.Input(shape: [5], name: "aux_input");
        var pooled = new GlobalAveragePooling1D().Call(new Embedding(50, 3).Call(tokens));
        new Model([tokens, extra], new Dense(2, name: "score").Call(Keras.Layers.Concatenate([pooled, extra]))).Save(path);
        Assert.That(served.Reload(), Is.True);
        var outputs = await served.Batcher.PredictAsync(parsed.Inputs, parsed.Rows, checkedAgainst);
        Assert.That(outputs.Select(o => o.Name), Is.EqualTo(new[] { "score" }));
        Assert.That(outputs[0].RowShape, Is.EqualTo(new[] { 2 }));

        // Tokens now (3, 2): the six values would fit silently, laid out for another model; the request fails instead.
        Keras.ClearSession();
        var grid = Keras.Input(shape: [3, 2], dtype: DType.Int32, name: "main_input");
        var extraAgain = Keras.Input(shape: [5], name: "aux_input");
        var flat = new Flatten().Call(new Embedding(50, 3).Call(grid));
        new Model([grid, extraAgain], new Dense(1, name: "score").Call(Keras.Layers.Concatenate([flat, extraAgain]))).Save(path);
        Assert.That(served.Reload(), Is.True);
        var error = Assert.ThrowsAsync<InvalidOperationException>(() => served.Batcher.PredictAsync(parsed.Inputs, parsed.Rows, checkedAgainst));
        Assert.That(error!.Message, Is.EqualTo("Model signature was reloaded with other inputs while the request waited; send it again."));
    }

    [Test]
    public async Task HotReloadUnderLoadLosesNoRequest()
    {
        string path = Path.Combine(_folder, "reloaded.keras");
        File.Copy(_twitter, path, overwrite: true);
        string replacement = Path.Combine(_folder, "replacement.keras");
        SmallTwitter(seed: 5).Save(replacement);
        var after = Expected(replacement, 0);
        using var factory = Server(model: path);
        var client = factory.CreateClient();
        var registry = factory.Services.GetRequiredService<ModelRegistry>();
        Assert.That(registry.TryGet("twitter", out var served), Is.True);
        using var stop = new CancellationTokenSource();
        int failures = 0, answered = 0;
        var load = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var (code, _) = await Post(client, "twitter", RowBody(worker % 3));
                if (code != HttpStatusCode.OK) Interlocked.Increment(ref failures);
                Interlocked.Increment(ref answered);
            }
        })).ToArray();
        await Task.Delay(300);
        // Atomic replacement, as a producer should write it: a temporary file, then a rename.
        string temporary = path + ".tmp";
        File.Copy(replacement, temporary, overwrite: true);
        File.Move(temporary, path, overwrite: true);
        for (int i = 0; i < 100 && served!.Version < 2; i++) await Task.Delay(100);
        await Task.Delay(300);
        stop.Cancel();
        await Task.WhenAll(load);
        Assert.That(served!.Version, Is.EqualTo(2), "the new file was swapped in");
        Assert.That(failures, Is.Zero, $"{answered} requests during the swap");
        var (_, body) = await Post(client, "twitter", RowBody(0));
        Assert.That(body["predictions"]![0]!["main_output"]![0]!.GetValue<float>(), Is.EqualTo(after[0].Main));

        // A broken file leaves the old version serving and is reported.
        File.WriteAllText(temporary, "not a model");
        File.Move(temporary, path, overwrite: true);
        for (int i = 0; i < 50 && served.LastReloadError is null; i++) await Task.Delay(100);
        Assert.That(served.LastReloadError, Does.Contain("reloaded.keras"));
        Assert.That(served.Version, Is.EqualTo(2));
        var (stillOk, still) = await Post(client, "twitter", RowBody(0));
        Assert.That(stillOk, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(still["predictions"]![0]!["main_output"]![0]!.GetValue<float>(), Is.EqualTo(after[0].Main));
        var status = JsonNode.Parse(await client.GetStringAsync("/v1/models/twitter"))!;
        Assert.That(status["model_version_status"]![0]!["status"]!["error_message"]!.GetValue<string>(), Does.Contain("reloaded.keras"));
    }
}
