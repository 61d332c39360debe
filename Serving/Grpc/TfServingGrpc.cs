using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Tensorflow;
using Tensorflow.Serving;
using RestRequest = TfFunctional.Serving.PredictRequest;
using GrpcPredictRequest = Tensorflow.Serving.PredictRequest;

namespace TfFunctional.Serving.Grpc;

/// <summary>
/// TF Serving's gRPC <c>PredictionService</c> (<c>Predict</c>, <c>GetModelMetadata</c>) over the same models,
/// checks, batching and metrics as the REST API: a request names its model, version or label in <c>model_spec</c> and
/// sends <c>TensorProto</c>s; client mistakes are <c>INVALID_ARGUMENT</c> or <c>NOT_FOUND</c>, never <c>INTERNAL</c>.
/// </summary>
internal sealed class PredictionGrpcService(ModelRegistry registry, ILoggerFactory loggers) : PredictionService.PredictionServiceBase
{
    public override Task<PredictResponse> Predict(GrpcPredictRequest request, ServerCallContext context) =>
        GrpcCalls.Guard(request.ModelSpec?.Name ?? "", loggers, async () =>
        {
            var clock = Stopwatch.StartNew();
            var served = GrpcCalls.Resolve(registry, request.ModelSpec);
            ServingMetrics.Requests.WithLabels(served.Name).Inc();
            var model = served.Model;
            var unknown = request.OutputFilter.Except(model.OutputNames).ToArray();
            if (unknown.Length > 0)
                throw new RequestException(400, $"output_filter names unknown output(s) {string.Join(", ", unknown)}; the model's outputs are {string.Join(", ", model.OutputNames)}.");
            var parsed = RestRequest.FromTensors(request.Inputs, model);
            served.CheckRows(parsed.Rows);
            var outputs = await served.Batcher.PredictAsync(parsed.Inputs, parsed.Rows, model);
            ServingMetrics.Latency.WithLabels(served.Name).Observe(clock.Elapsed.TotalSeconds);   // as REST: parsed, checked and predicted
            var response = new PredictResponse { ModelSpec = GrpcCalls.Spec(served) };
            foreach (var output in outputs)
            {
                if (request.OutputFilter.Count > 0 && !request.OutputFilter.Contains(output.Name)) continue;
                var tensor = new TensorProto { Dtype = DataType.DtFloat, TensorShape = GrpcCalls.Shape([output.Rows, .. output.RowShape.Select(d => (long)d)]) };
                tensor.FloatVal.Add(output.Values);
                response.Outputs[output.Name] = tensor;
            }
            return response;
        });

    public override Task<GetModelMetadataResponse> GetModelMetadata(GetModelMetadataRequest request, ServerCallContext context) =>
        GrpcCalls.Guard(request.ModelSpec?.Name ?? "", loggers, () =>
        {
            var served = GrpcCalls.Resolve(registry, request.ModelSpec);
            // TF Serving answers the one metadata field it has, and must be asked for it.
            if (request.MetadataField.Count == 0) throw new RequestException(400, "GetModelMetadataRequest must specify at least one metadata_field");
            var other = request.MetadataField.Where(f => f != "signature_def").ToArray();
            if (other.Length > 0) throw new RequestException(400, $"Metadata field {other[0]} is not supported");
            TensorInfo Info(SignatureTensor t) => new() { Name = t.TensorName, Dtype = GrpcCalls.DataTypeOf(t.DataType), TensorShape = GrpcCalls.Shape(t.Dimensions) };
            var signature = new SignatureDef { MethodName = SignatureTensor.PredictMethod };
            foreach (var t in SignatureTensor.Inputs(served.Model)) signature.Inputs[t.Key] = Info(t);
            foreach (var t in SignatureTensor.Outputs(served.Model)) signature.Outputs[t.Key] = Info(t);
            var map = new SignatureDefMap();
            map.SignatureDef[RestRequest.ServingSignature] = signature;
            var response = new GetModelMetadataResponse { ModelSpec = GrpcCalls.Spec(served) };
            response.Metadata["signature_def"] = Any.Pack(map);
            return Task.FromResult(response);
        });
}

/// <summary>TF Serving's gRPC <c>ModelService.GetModelStatus</c>.</summary>
internal sealed class ModelStatusGrpcService(ModelRegistry registry, ILoggerFactory loggers) : ModelService.ModelServiceBase
{
    public override Task<GetModelStatusResponse> GetModelStatus(GetModelStatusRequest request, ServerCallContext context) =>
        GrpcCalls.Guard(request.ModelSpec?.Name ?? "", loggers, () =>
        {
            var spec = request.ModelSpec ?? throw new RequestException(400, "Missing ModelSpec");
            var statuses = registry.Statuses(spec.Name,
                spec.VersionChoiceCase == ModelSpec.VersionChoiceOneofCase.Version ? spec.Version : null,
                spec.VersionChoiceCase == ModelSpec.VersionChoiceOneofCase.VersionLabel ? spec.VersionLabel : null);
            var response = new GetModelStatusResponse();
            response.ModelVersionStatus.Add(statuses.Select(s => new ModelVersionStatus
            {
                Version = s.Version,
                State = s.State == "AVAILABLE" ? ModelVersionStatus.Types.State.Available : ModelVersionStatus.Types.State.End,
                Status = new StatusProto
                {
                    ErrorCode = s.ErrorCode == "OK" ? Tensorflow.Error.Code.Ok : Tensorflow.Error.Code.Unknown,
                    ErrorMessage = s.ErrorMessage,
                },
            }));
            return Task.FromResult(response);
        });
}

/// <summary>What the gRPC services share: resolving a ModelSpec, shapes, and turning failures into gRPC statuses.</summary>
internal static class GrpcCalls
{
    public static ServedModel Resolve(ModelRegistry registry, ModelSpec? spec)
    {
        if (spec is null) throw new RequestException(400, "Missing ModelSpec");
        if (spec.SignatureName.Length > 0 && spec.SignatureName != RestRequest.ServingSignature)
            throw new RequestException(400, $"Serving signature name: \"{spec.SignatureName}\" not found in signature def");
        return spec.VersionChoiceCase switch
        {
            ModelSpec.VersionChoiceOneofCase.Version => registry.Resolve(spec.Name, spec.Version, null),
            ModelSpec.VersionChoiceOneofCase.VersionLabel => registry.Resolve(spec.Name, null, spec.VersionLabel),
            _ => registry.Resolve(spec.Name, null, null),
        };
    }

    public static ModelSpec Spec(ServedModel served) => new() { Name = served.Name, Version = served.Version, SignatureName = RestRequest.ServingSignature };

    public static TensorShapeProto Shape(IEnumerable<long> dimensions)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(dimensions.Select(d => new TensorShapeProto.Types.Dim { Size = d }));
        return shape;
    }

    public static DataType DataTypeOf(string name) =>
        (DataType)(TypesReflection.Descriptor.EnumTypes[0].FindValueByName(name)?.Number ?? (int)DataType.DtInvalid);

    /// <summary>Runs a call; a client's mistake becomes its gRPC status (counted as REST counts it), a fault INTERNAL.</summary>
    public static async Task<T> Guard<T>(string model, ILoggerFactory loggers, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (RequestException e)
        {
            ServingMetrics.Errors.WithLabels(model, e.MetricKind).Inc();
            throw new RpcException(new Status(e.Status switch
            {
                404 => StatusCode.NotFound,
                413 => StatusCode.ResourceExhausted,
                _ => StatusCode.InvalidArgument,
            }, e.Message));
        }
        catch (ArgumentException e)
        {
            ServingMetrics.Errors.WithLabels(model, "bad_request").Inc();
            throw new RpcException(new Status(StatusCode.InvalidArgument, e.Message));
        }
        catch (Exception e) when (e is not RpcException)
        {
            ServingMetrics.Errors.WithLabels(model, "internal").Inc();
            loggers.CreateLogger("TfFunctional.Serving").LogError(e, "gRPC call failed for model {Name}", model);
            throw new RpcException(new Status(StatusCode.Internal, $"Internal error: {e.GetType().Name}: {e.Message}"));
        }
    }
}
