namespace TfFunctional.Serving;

/// <summary>
/// One input or output of a model's <c>serving_default</c> signature as TF Serving describes it (REST metadata JSON
/// and gRPC <c>TensorInfo</c> alike): its key, its tensor name as in a Keras SavedModel, its TensorFlow dtype name
/// and its dimensions (-1 for the batch).
/// </summary>
internal sealed record SignatureTensor(string Key, string TensorName, string DataType, long[] Dimensions)
{
    public const string PredictMethod = "tensorflow/serving/predict";

    public static IEnumerable<SignatureTensor> Inputs(Model model) =>
        model.InputNames.Zip(model.Inputs).Select(p => Of(p.First, $"serving_default_{p.First}:0", p.Second));

    public static IEnumerable<SignatureTensor> Outputs(Model model) =>
        model.OutputNames.Zip(model.Outputs).Select((p, i) => Of(p.First, $"StatefulPartitionedCall:{i}", p.Second));

    private static SignatureTensor Of(string key, string tensorName, KerasTensor tensor) => new(key, tensorName, DataTypeName(tensor.DType),
        [.. tensor.Shape.Select(d => (long)(d ?? -1))]);

    /// <summary>TensorFlow's name of a dtype (DT_FLOAT, DT_INT32, ...).</summary>
    public static string DataTypeName(DType dtype) => dtype switch
    {
        DType.Float32 => "DT_FLOAT",
        DType.Float64 => "DT_DOUBLE",
        DType.Float16 => "DT_HALF",
        var other => "DT_" + other.KerasName().ToUpperInvariant(),
    };
}
