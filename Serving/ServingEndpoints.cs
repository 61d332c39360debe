using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace TfFunctional.Serving;

/// <summary>
/// Registers Keras models in an ASP.NET Core app and maps TF Serving's REST API: <c>POST /v1/models/{name}:predict</c>,
/// <c>GET /v1/models/{name}</c> (status), <c>GET /v1/models/{name}/metadata</c>, each also under
/// <c>/versions/{version}</c> and <c>/labels/{label}</c>, plus <c>/healthz</c> (liveness), <c>/readyz</c> (readiness)
/// and Prometheus <c>/metrics</c>.
/// </summary>
public static class ServingEndpoints
{
    /// <summary>A model may answer NaN or infinity: written as "NaN", "Infinity", as TF Serving's JSON does, not an error.</summary>
    private static readonly JsonSerializerOptions OutputJson = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>Largest request body accepted by default (413 above it).</summary>
    public const long MaxRequestBytes = 64L * 1024 * 1024;

    /// <summary>Serves the model file at <paramref name="path"/> under <paramref name="name"/> (loaded when the app starts).</summary>
    public static IServiceCollection AddKerasModel(this IServiceCollection services, string name, string path, Action<KerasModelOptions>? configure = null)
    {
        var options = new KerasModelOptions();
        configure?.Invoke(options);
        services.AddSingleton<ModelRegistry>();
        services.AddSingleton(new ModelRegistration(name, path, options));
        services.AddGrpc();
        return services;
    }

    /// <summary>Maps the REST API of every registered model.</summary>
    public static IEndpointRouteBuilder MapKerasServing(this IEndpointRouteBuilder endpoints)
    {
        // Liveness: the process answers. Readiness: every model has a version to serve (models load before the first request).
        endpoints.MapGet("/healthz", (ModelRegistry registry) => Results.Json(new { status = "ok", models = registry.Names }));
        endpoints.MapGet("/readyz", (ModelRegistry registry) => registry.Ready
            ? Results.Json(new { status = "ready", models = registry.Names })
            : Results.Json(new { status = "not ready", waiting_for = registry.Names.Where(n => registry.TryGetVersions(n, out var v) && v.Latest is null) }, statusCode: 503));
        endpoints.MapMetrics("/metrics");
        endpoints.MapGet("/v1/models", (HttpRequest request, ModelRegistry registry) => Get(request, registry));
        endpoints.MapGet("/v1/models/{**path}", (HttpRequest request, ModelRegistry registry) => Get(request, registry));
        endpoints.MapPost("/v1/models/{**path}", PredictAsync);
        endpoints.MapGrpcService<Grpc.PredictionGrpcService>();
        endpoints.MapGrpcService<Grpc.ModelStatusGrpcService>();
        return endpoints;
    }

    // TF Serving's own patterns (model_servers/http_rest_api_util.cc): a version by number or by label, then the method.
    private static readonly Regex PredictionPath = new(@"^/v1/models/([^/:]+)(?:(?:/versions/(\d+))|(?:/labels/([^/:]+)))?:(classify|regress|predict)$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    private static readonly Regex StatusPath = new(@"^/v1/models(?:/([^/:]+))?(?:(?:/versions/(\d+))|(?:/labels/([^/:]+)))?(?:/(metadata))?$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    /// <summary>A request's model name, version number or label, from its path.</summary>
    private sealed record Target(string Name, string? Version, string? Label);

    private static Target TargetOf(Match match) => new(match.Groups[1].Value,
        match.Groups[2].Success ? match.Groups[2].Value : null, match.Groups[3].Success ? match.Groups[3].Value : null);

    /// <summary>The served version a request names (<see cref="ModelRegistry.Resolve"/>), or the error answer.</summary>
    private static (ServedModel? Served, IResult? Error) Resolve(Target target, ModelRegistry registry)
    {
        long? version = null;
        if (target.Version is { } digits)
        {
            if (!long.TryParse(digits, out long number)) return (null, Error(404, $"Servable not found for request: Specific({target.Name}, {digits})"));
            version = number;
        }
        try
        {
            return (registry.Resolve(target.Name, version, target.Label), null);
        }
        catch (RequestException e)
        {
            return (null, Error(e.Status, e.Message));
        }
    }

    /// <summary>GET: a model's status (all its versions, or one) or one version's metadata.</summary>
    private static IResult Get(HttpRequest request, ModelRegistry registry)
    {
        var match = StatusPath.Match(request.Path.Value ?? "");
        if (!match.Success) return Error(404, $"Malformed request: GET {request.Path}");
        if (!match.Groups[1].Success) return Error(400, "Missing model name in request.");
        var target = TargetOf(match);
        if (match.Groups[4].Success)
        {
            var (served, error) = Resolve(target, registry);
            return error ?? Metadata(served!);
        }
        long? version = null;
        if (target.Version is { } digits)
        {
            if (!long.TryParse(digits, out long number)) return Error(404, $"Could not find version {digits} of model {target.Name}");
            version = number;
        }
        IReadOnlyList<(int Version, string State, string ErrorCode, string ErrorMessage)> statuses;
        try
        {
            statuses = registry.Statuses(target.Name, version, target.Label);
        }
        catch (RequestException e)
        {
            return Error(e.Status, e.Message);
        }
        return Results.Json(new JsonObject
        {
            ["model_version_status"] = new JsonArray([.. statuses.Select(s => (JsonNode)new JsonObject
            {
                ["version"] = s.Version.ToString(),
                ["state"] = s.State,
                ["status"] = new JsonObject { ["error_code"] = s.ErrorCode, ["error_message"] = s.ErrorMessage },
            })]),
        });
    }

    /// <summary>
    /// TF Serving's GetModelMetadataResponse as its REST API writes it: metadata["signature_def"] holds a
    /// SignatureDefMap, whose own field is signature_def; TensorInfo names follow a Keras SavedModel's.
    /// </summary>
    private static IResult Metadata(ServedModel served)
    {
        JsonObject Tensors(IEnumerable<SignatureTensor> tensors) => new(tensors.Select(t =>
            KeyValuePair.Create(t.Key, (JsonNode?)new JsonObject
            {
                ["dtype"] = t.DataType,
                ["tensor_shape"] = new JsonObject
                {
                    ["dim"] = new JsonArray([.. t.Dimensions.Select(d => (JsonNode)new JsonObject { ["size"] = d.ToString(), ["name"] = "" })]),
                    ["unknown_rank"] = false,
                },
                ["name"] = t.TensorName,
            })));
        var model = served.Model;
        return Results.Json(new JsonObject
        {
            ["model_spec"] = new JsonObject { ["name"] = served.Name, ["signature_name"] = "", ["version"] = served.Version.ToString() },
            ["metadata"] = new JsonObject
            {
                ["signature_def"] = new JsonObject
                {
                    ["signature_def"] = new JsonObject
                    {
                        [PredictRequest.ServingSignature] = new JsonObject
                        {
                            ["inputs"] = Tensors(SignatureTensor.Inputs(model)),
                            ["outputs"] = Tensors(SignatureTensor.Outputs(model)),
                            ["method_name"] = SignatureTensor.PredictMethod,
                        },
                    },
                },
            },
        });
    }

    private static async Task<IResult> PredictAsync(HttpRequest request, ModelRegistry registry, ILoggerFactory loggers)
    {
        var clock = Stopwatch.StartNew();
        var match = PredictionPath.Match(request.Path.Value ?? "");
        if (!match.Success) return Error(404, $"Malformed request: POST {request.Path}");
        var target = TargetOf(match);
        string name = target.Name;
        var (resolved, unresolved) = Resolve(target, registry);
        if (unresolved is not null)
        {
            ServingMetrics.Errors.WithLabels(name, "not_found").Inc();
            return unresolved;
        }
        var served = resolved!;
        if (!match.Groups[4].Value.Equals("predict", StringComparison.OrdinalIgnoreCase))
        {
            ServingMetrics.Errors.WithLabels(name, "bad_request").Inc();
            return Error(400, $"Model {name} has only the predict signature ({PredictRequest.ServingSignature}): :{match.Groups[4].Value.ToLowerInvariant()} needs a classification or regression signature, which Keras models do not export.");
        }
        ServingMetrics.Requests.WithLabels(name).Inc();
        try
        {
            long limit = served.Options.MaxRequestBytes;
            if (request.ContentLength > limit)
                throw new RequestException(413, $"The request body of {request.ContentLength} bytes exceeds the limit of {limit} bytes.");
            JsonDocument document;
            try
            {
                document = await JsonDocument.ParseAsync(new LimitedStream(request.Body, limit));
            }
            catch (JsonException e)
            {
                throw new RequestException(400, $"JSON Parse error: {e.Message}");
            }
            using (document)
            {
                var model = served.Model;
                var parsed = PredictRequest.Parse(document.RootElement, model);
                served.CheckRows(parsed.Rows);
                var outputs = await served.Batcher.PredictAsync(parsed.Inputs, parsed.Rows, model);
                ServingMetrics.Latency.WithLabels(name).Observe(clock.Elapsed.TotalSeconds);
                return Results.Text(Respond(parsed, outputs).ToJsonString(OutputJson), "application/json");
            }
        }
        catch (RequestException e)
        {
            ServingMetrics.Errors.WithLabels(name, e.MetricKind).Inc();
            return Error(e.Status, e.Message);
        }
        catch (ArgumentException e)
        {
            ServingMetrics.Errors.WithLabels(name, "bad_request").Inc();
            return Error(400, e.Message);
        }
        catch (BadHttpRequestException e)
        {
            // The client's body broke off, or its chunks or length were malformed: its mistake, never a 5xx.
            ServingMetrics.Errors.WithLabels(name, "bad_request").Inc();
            return Error(e.StatusCode is >= 400 and < 500 ? e.StatusCode : 400, $"The request body could not be read: {e.Message}");
        }
        catch (Exception e) when (e is InvalidOperationException or IOException)
        {
            ServingMetrics.Errors.WithLabels(name, "internal").Inc();
            loggers.CreateLogger("TfFunctional.Serving").LogError(e, "Prediction failed for model {Name}", name);
            return Error(503, e.Message);
        }
        catch (Exception e)
        {
            // A server fault: counted, logged, and answered as JSON (never an empty 500).
            ServingMetrics.Errors.WithLabels(name, "internal").Inc();
            loggers.CreateLogger("TfFunctional.Serving").LogError(e, "Prediction failed for model {Name}", name);
            return Error(500, $"Internal error: {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>TF Serving's shapes: row form gives one prediction per row (an object by output name when several);
    /// column form gives the batched output (an object by name when several).</summary>
    private static JsonObject Respond(PredictRequest request, IReadOnlyList<PredictionBatcher.OutputRows> outputs)
    {
        JsonNode Nest(float[] values, int offset, int[] shape, int depth)
        {
            if (depth == shape.Length) return JsonValue.Create(values[offset]);
            int stride = shape.Skip(depth + 1).Aggregate(1, (p, d) => p * d);
            return new JsonArray(Enumerable.Range(0, shape[depth]).Select(i => Nest(values, offset + i * stride, shape, depth + 1)).ToArray());
        }
        JsonNode Row(PredictionBatcher.OutputRows output, int row) =>
            Nest(output.Values, row * output.RowShape.Aggregate(1, (p, d) => p * d), output.RowShape, 0);
        JsonNode Column(PredictionBatcher.OutputRows output) => new JsonArray(Enumerable.Range(0, output.Rows).Select(r => Row(output, r)).ToArray());
        if (request.RowForm)
        {
            var rows = Enumerable.Range(0, request.Rows).Select(r => outputs.Count == 1
                ? Row(outputs[0], r)
                : new JsonObject(outputs.Select(o => KeyValuePair.Create(o.Name, (JsonNode?)Row(o, r))))).ToArray();
            return new JsonObject { ["predictions"] = new JsonArray(rows) };
        }
        return new JsonObject
        {
            ["outputs"] = outputs.Count == 1 ? Column(outputs[0]) : new JsonObject(outputs.Select(o => KeyValuePair.Create(o.Name, (JsonNode?)Column(o)))),
        };
    }

    private static IResult Error(int status, string message) => Results.Json(new { error = message }, statusCode: status);
}
