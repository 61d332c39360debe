using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using TfFunctional.Serving;

namespace TfFunctional.Tests.Serving;

/// <summary>
/// TF Serving's versions: a base path of numbered version folders, its version policies and labels, the
/// <c>/versions/{v}</c> and <c>/labels/{label}</c> routes, a model config file, and new versions picked up by polling
/// while clients run. Expected answers are TF Serving's (tensorflow/serving: http_rest_api_util.cc's routes,
/// basic_manager.cc's and get_model_status_impl.cc's messages).
/// </summary>
[NonParallelizable]
public class VersionTests
{
    private string _folder = "";

    [SetUp]
    public void MakeFolder()
    {
        _folder = TemporaryFolder.Create("versions");
    }

    [TearDown]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    /// <summary>Writes version <paramref name="version"/> (the small Twitter model with its own seed) into the base path, atomically.</summary>
    private string WriteVersion(string basePath, int version, bool broken = false, string? copyOf = null)
    {
        string staging = Path.Combine(_folder, $"staging-{version}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        string file = Path.Combine(staging, "model.keras");
        if (broken) File.WriteAllText(file, "not a model");
        else if (copyOf is not null) File.Copy(copyOf, file);
        else ServerTests.SmallTwitter(seed: version).Save(file);
        Directory.CreateDirectory(basePath);
        string target = Path.Combine(basePath, version.ToString());
        Directory.Move(staging, target);
        return Path.Combine(target, "model.keras");
    }

    private static WebApplicationFactory<TfFunctional.Server.ServerAssembly> Server(string settingKey, string settingValue, double pollSeconds = 0.1) =>
        new WebApplicationFactory<TfFunctional.Server.ServerAssembly>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            builder.UseSetting("IntraOpThreads", Ops.IntraOpThreads.ToString());
            builder.UseSetting("Engine", "libtorch");
            builder.UseSetting("FileSystemPollSeconds", pollSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting(settingKey, settingValue);
        });

    private static float MainOutput(JsonNode body) => body["predictions"]![0]!["main_output"]![0]!.GetValue<float>();

    private static async Task<(HttpStatusCode Status, JsonNode Body)> Get(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    private static async Task<(HttpStatusCode Status, JsonNode Body)> PostTo(HttpClient client, string path, string body)
    {
        var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    [Test]
    public async Task ANewVersionIsPickedUpWhileClientsRunAndABrokenOneLeavesTheOldServing()
    {
        string basePath = Path.Combine(_folder, "twitter");
        string first = WriteVersion(basePath, 1);
        float one = ServerTests.Expected(first, InferenceEngine.LibTorch, 1)[0].Main;
        using var factory = Server("Models", $"twitter={basePath}");
        var client = factory.CreateClient();
        var (status, body) = await Get(client, "/v1/models/twitter");
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(body.ToJsonString(), Is.EqualTo("""{"model_version_status":[{"version":"1","state":"AVAILABLE","status":{"error_code":"OK","error_message":""}}]}"""));

        // Clients run while version 2 arrives: every answer is version 1's or version 2's numbers, none fails.
        string secondPath = Path.Combine(_folder, "v2-reference.keras");
        ServerTests.SmallTwitter(seed: 2).Save(secondPath);
        float two = ServerTests.Expected(secondPath, InferenceEngine.LibTorch, 1)[0].Main;
        Assert.That(two, Is.Not.EqualTo(one).Within(1e-4f), "the versions must differ to be told apart");
        using var stop = new CancellationTokenSource();
        int answered = 0, fromTwo = 0;
        var clients = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var (code, answer) = await ServerTests.Post(client, "twitter", ServerTests.RowBody(1));
                Assert.That(code, Is.EqualTo(HttpStatusCode.OK), answer.ToJsonString());
                float main = MainOutput(answer);
                Assert.That(main, Is.EqualTo(one).Within(1e-6f).Or.EqualTo(two).Within(1e-6f));
                Interlocked.Increment(ref answered);
                if (Math.Abs(main - two) < 1e-6f) Interlocked.Increment(ref fromTwo);
            }
        })).ToArray();
        await Task.Delay(300);
        WriteVersion(basePath, 2, copyOf: secondPath);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Volatile.Read(ref fromTwo) < 20 && DateTime.UtcNow < deadline) await Task.Delay(50);
        await stop.CancelAsync();
        await Task.WhenAll(clients);
        Assert.That(fromTwo, Is.GreaterThanOrEqualTo(20), "version 2 was picked up");
        TestContext.Out.WriteLine($"{answered} requests answered while version 2 was picked up, none failed");

        // Latest(1): version 1 is no longer served; version 2 is, by number too.
        Assert.That((await ServerTests.Post(client, "twitter", ServerTests.RowBody(1))).Body is var latest && MainOutput(latest) == two);
        var (oneStatus, oneBody) = await PostTo(client, "/v1/models/twitter/versions/1:predict", ServerTests.RowBody(1));
        Assert.That(oneStatus, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(oneBody["error"]!.GetValue<string>(), Is.EqualTo("Servable not found for request: Specific(twitter, 1)"));
        var (twoStatus, twoBody) = await PostTo(client, "/v1/models/twitter/versions/2:predict", ServerTests.RowBody(1));
        Assert.That(twoStatus, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(MainOutput(twoBody), Is.EqualTo(two).Within(1e-6f));

        // A broken version 3: reported in the status, version 2 keeps serving.
        WriteVersion(basePath, 3, broken: true);
        deadline = DateTime.UtcNow.AddSeconds(30);
        JsonNode statusBody;
        do
        {
            await Task.Delay(100);
            statusBody = (await Get(client, "/v1/models/twitter")).Body;
        } while (statusBody["model_version_status"]!.AsArray().Count < 2 && DateTime.UtcNow < deadline);
        var versions = statusBody["model_version_status"]!.AsArray();
        Assert.That(versions.Select(v => v!["version"]!.GetValue<string>()), Is.EqualTo(new[] { "3", "2" }));
        Assert.That(versions[0]!["state"]!.GetValue<string>(), Is.EqualTo("END"));
        Assert.That(versions[0]!["status"]!["error_message"]!.GetValue<string>(), Does.Contain("model.keras"));
        Assert.That(versions[1]!["state"]!.GetValue<string>(), Is.EqualTo("AVAILABLE"));
        Assert.That(MainOutput((await ServerTests.Post(client, "twitter", ServerTests.RowBody(1))).Body), Is.EqualTo(two).Within(1e-6f));
        var (metadataStatus, metadata) = await Get(client, "/v1/models/twitter/versions/2/metadata");
        Assert.That(metadataStatus, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(metadata["model_spec"]!["version"]!.GetValue<string>(), Is.EqualTo("2"));
        var (missing, missingBody) = await Get(client, "/v1/models/twitter/versions/7");
        Assert.That(missing, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(missingBody["error"]!.GetValue<string>(), Is.EqualTo("Could not find version 7 of model twitter"));
    }

    [Test]
    public async Task AConfigFileServesSeveralModelsWithPoliciesAndLabels()
    {
        string twitter = Path.Combine(_folder, "models", "twitter");
        var paths = Enumerable.Range(1, 3).Select(v => WriteVersion(twitter, v)).ToArray();
        string other = Path.Combine(_folder, "models", "other");
        WriteVersion(other, 5);
        string config = Path.Combine(_folder, "models.config");
        File.WriteAllText(config, """
            # TF Serving's ModelServerConfig, text format
            model_config_list {
              config {
                name: 'twitter'
                base_path: 'models/twitter'
                model_platform: 'tensorflow'
                model_version_policy { specific { versions: 1 versions: 3 } }
                version_labels { key: 'stable' value: 1 }
                version_labels { key: 'canary' value: 3 }
              }
              config: {
                name: "other",
                base_path: "models/other",
                model_version_policy: { all: {} }
              }
            }
            """);
        using var factory = Server("ModelConfigFile", config, pollSeconds: 0);
        var client = factory.CreateClient();
        var (status, body) = await Get(client, "/v1/models/twitter");
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(body["model_version_status"]!.AsArray().Select(v => v!["version"]!.GetValue<string>()), Is.EqualTo(new[] { "3", "1" }), "specific: 1 and 3, not 2");
        foreach (var (route, version) in new[] { ("/versions/1", 1), ("/versions/3", 3), ("/labels/stable", 1), ("/labels/canary", 3), ("", 3) })
        {
            var (code, answer) = await PostTo(client, $"/v1/models/twitter{route}:predict", ServerTests.RowBody(0));
            Assert.That(code, Is.EqualTo(HttpStatusCode.OK), route);
            Assert.That(MainOutput(answer), Is.EqualTo(ServerTests.Expected(paths[version - 1], InferenceEngine.LibTorch, 0)[0].Main).Within(1e-6f), route);
        }
        var (labelStatus, labelBody) = await PostTo(client, "/v1/models/twitter/labels/nightly:predict", ServerTests.RowBody(0));
        Assert.That(labelStatus, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(labelBody["error"]!.GetValue<string>(), Is.EqualTo("Unrecognized servable version label: nightly"));
        var (notServed, notServedBody) = await PostTo(client, "/v1/models/twitter/versions/2:predict", ServerTests.RowBody(0));
        Assert.That(notServed, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(notServedBody["error"]!.GetValue<string>(), Is.EqualTo("Servable not found for request: Specific(twitter, 2)"));
        var (labelled, labelledStatus) = await Get(client, "/v1/models/twitter/labels/stable");
        Assert.That(labelled, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(labelledStatus["model_version_status"]!.AsArray().Single()!["version"]!.GetValue<string>(), Is.EqualTo("1"));
        Assert.That((await Get(client, "/v1/models/other/versions/5")).Status, Is.EqualTo(HttpStatusCode.OK));
        var (unknown, unknownBody) = await Get(client, "/v1/models/nope");
        Assert.That(unknown, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(unknownBody["error"]!.GetValue<string>(), Is.EqualTo("Could not find any versions of model nope"));
    }

    [Test]
    public async Task SignatureNamesAndBase64ValuesAreAnsweredAsTfServingDoes()
    {
        string file = Path.Combine(_folder, "twitter.keras");
        ServerTests.SmallTwitter(seed: 1).Save(file);
        using var factory = Server("Models", $"twitter={file}");
        var client = factory.CreateClient();
        string Body(string signature) => ServerTests.RowBody(0).Replace("{\"instances\"", "{" + signature + ", \"instances\"");
        Assert.That((await PostTo(client, "/v1/models/twitter:predict", Body("\"signature_name\": \"serving_default\""))).Status, Is.EqualTo(HttpStatusCode.OK));
        (string Body, string Words)[] cases =
        [
            (Body("\"signature_name\": \"classify_x\""), "Serving signature name: \"classify_x\" not found in signature def"),
            (Body("\"signature_name\": 100"), "'signature_name' key must be a string value."),
            ("{\"instances\": [{\"main_input\": {\"b64\": \"AAEC\"}, \"aux_input\": [1,2,3,4,5]}]}", "received a {\"b64\": ...} value"),
        ];
        foreach (var (body, words) in cases)
        {
            var (code, answer) = await PostTo(client, "/v1/models/twitter:predict", body);
            Assert.That(code, Is.EqualTo(HttpStatusCode.BadRequest), body);
            Assert.That(answer["error"]!.GetValue<string>(), Does.Contain(words));
        }
        var (classify, classifyBody) = await PostTo(client, "/v1/models/twitter:classify", ServerTests.RowBody(0));
        Assert.That(classify, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(classifyBody["error"]!.GetValue<string>(), Does.Contain("has only the predict signature"));
        Assert.That((await PostTo(client, "/V1/MODELS/twitter/VERSIONS/1:PREDICT", ServerTests.RowBody(0))).Status, Is.EqualTo(HttpStatusCode.OK),
            "TF Serving's routes ignore case");
    }

    [Test]
    public void AConfigFileWithAMistakeIsRefusedByLine()
    {
        var error = Assert.Throws<FormatException>(() => ModelConfigFile.Parse("model_config_list {\n  config {\n    name: 'a'\n    base_pth: 'x'\n  }\n}", "models.config", _folder));
        Assert.That(error!.Message, Does.StartWith("models.config, line 4: unknown field 'base_pth' in config"));
        error = Assert.Throws<FormatException>(() => ModelConfigFile.Parse("model_config_list { config { name: 'a' base_path: 'x' }", "models.config", _folder));
        Assert.That(error!.Message, Does.Contain("a '}' is missing"));
    }
}
