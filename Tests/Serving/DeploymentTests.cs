using System.Net;
using YamlDotNet.RepresentationModel;

namespace TfFunctional.Tests.Serving;

/// <summary>
/// What can be checked here of running many replicas (no Docker engine or cluster runs here): the published server
/// runs from a clean directory, serves a base path over REST and gRPC and answers its probes; the Kubernetes and
/// KServe manifests are valid YAML whose probes and ports are the server's.
/// </summary>
[NonParallelizable]
[Category("Package")]
public class DeploymentTests
{
    [Test]
    public async Task ThePublishedServerRunsFromACleanDirectory()
    {
        string repository = TfFunctional.Tests.Runtime.ConsumerProjectTests.RepositoryRoot();
        string folder = TemporaryFolder.Create("deploy");
        string published = Path.Combine(folder, "server");
        string models = Path.Combine(folder, "models", "twitter", "1");
        string elsewhere = Path.Combine(folder, "cwd");
        Directory.CreateDirectory(models);
        Directory.CreateDirectory(elsewhere);
        System.Diagnostics.Process? server = null;
        try
        {
            var publish = TfFunctional.Tests.Runtime.ConsumerProjectTests.Run("dotnet",
                $"publish {Path.Combine(repository, "tools", "Server", "TfFunctional.Server.csproj")} -c Release -o \"{published}\"", repository);
            Assert.That(publish.ExitCode, Is.EqualTo(0), publish.Output);
            ServerTests.SmallTwitter(seed: 3).Save(Path.Combine(models, "model.keras"));
            int rest = 19200 + Environment.ProcessId % 300, grpc = rest + 300;
            var start = new System.Diagnostics.ProcessStartInfo("dotnet",
                [Path.Combine(published, "TfFunctional.Server.dll"), "--model_name", "twitter", "--model_base_path", Path.Combine(folder, "models", "twitter"),
                 "--rest_api_port", "1", "--rest_api_port", rest.ToString(), "--port", grpc.ToString()])
            { WorkingDirectory = elsewhere, RedirectStandardOutput = true, RedirectStandardError = true };
            server = System.Diagnostics.Process.Start(start)!;
            server.BeginOutputReadLine();
            server.BeginErrorReadLine();
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{rest}") };
            for (int attempt = 0; ; attempt++)
            {
                try
                {
                    if ((await client.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK) break;
                }
                catch (HttpRequestException) when (attempt < 300)
                {
                }
                await Task.Delay(100);
            }
            Assert.That((await client.GetAsync("/healthz")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
            var (code, body) = await ServerTests.Post(client, "twitter", ServerTests.RowBody(0));
            Assert.That(code, Is.EqualTo(HttpStatusCode.OK), body.ToJsonString());
            Assert.That(body["predictions"]![0]!["main_output"]![0]!.GetValue<float>(),
                Is.EqualTo(ServerTests.Expected(Path.Combine(models, "model.keras"), 0)[0].Main).Within(1e-6f));
            using var channel = Grpc.Net.Client.GrpcChannel.ForAddress($"http://127.0.0.1:{grpc}");
            var status = await new Tensorflow.Serving.ModelService.ModelServiceClient(channel)
                .GetModelStatusAsync(new Tensorflow.Serving.GetModelStatusRequest { ModelSpec = new Tensorflow.Serving.ModelSpec { Name = "twitter" } });
            Assert.That(status.ModelVersionStatus.Single().Version, Is.EqualTo(1));

            // The container's health check: the server's own --probe.
            var probe = TfFunctional.Tests.Runtime.ConsumerProjectTests.Run("dotnet", $"\"{Path.Combine(published, "TfFunctional.Server.dll")}\" --probe http://127.0.0.1:{rest}/readyz", elsewhere);
            Assert.That(probe.ExitCode, Is.EqualTo(0), probe.Output);
            var down = TfFunctional.Tests.Runtime.ConsumerProjectTests.Run("dotnet", $"\"{Path.Combine(published, "TfFunctional.Server.dll")}\" --probe http://127.0.0.1:{rest}/nothing-here", elsewhere);
            Assert.That(down.ExitCode, Is.EqualTo(1));
        }
        finally
        {
            if (server is not null)
            {
                server.Kill(entireProcessTree: true);
                server.WaitForExit();
                server.Dispose();
            }
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void TheManifestsAreValidYamlWithTheServersProbesAndPorts()
    {
        string deploy = Path.Combine(TfFunctional.Tests.Runtime.ConsumerProjectTests.RepositoryRoot(), "deploy");
        var documents = new List<YamlMappingNode>();
        foreach (string file in new[] { "kubernetes.yaml", "kserve.yaml" })
        {
            var stream = new YamlStream();
            using var reader = new StreamReader(Path.Combine(deploy, file));
            stream.Load(reader);
            documents.AddRange(stream.Documents.Select(d => (YamlMappingNode)d.RootNode));
        }
        string Scalar(YamlNode node, params string[] path) =>
            ((YamlScalarNode)path.Aggregate(node, (n, key) => ((YamlMappingNode)n).Children[new YamlScalarNode(key)])).Value!;
        Assert.That(documents.Select(d => Scalar(d, "kind")), Is.EqualTo(new[] { "Deployment", "Service", "InferenceService" }));
        var container = (YamlMappingNode)((YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)((YamlMappingNode)documents[0]
            .Children[new YamlScalarNode("spec")])[new YamlScalarNode("template")])[new YamlScalarNode("spec")])[new YamlScalarNode("containers")])[0];
        Assert.That(Scalar(container, "livenessProbe", "httpGet", "path"), Is.EqualTo("/healthz"));
        Assert.That(Scalar(container, "readinessProbe", "httpGet", "path"), Is.EqualTo("/readyz"));
        var ports = ((YamlSequenceNode)container[new YamlScalarNode("ports")]).Select(p => Scalar(p, "containerPort")).ToArray();
        Assert.That(ports, Is.EqualTo(new[] { "8500", "8501" }));
        string dockerfile = File.ReadAllText(Path.Combine(deploy, "Dockerfile"));
        Assert.That(dockerfile, Does.Contain("EXPOSE 8500 8501").And.Contain("--port 8500 --rest_api_port 8501").And.Contain("--host 0.0.0.0"));
    }
}
