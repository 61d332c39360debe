using System.Text.Json;

namespace TfFunctional.Serving;

/// <summary>
/// A TF Serving REST predict body, checked against the model's inputs: <c>{"instances": [...]}</c> (row form: one
/// value per row for a single input, or an object by input name per row) or <c>{"inputs": ...}</c> (column form: the
/// batched value of a single input, or an object by input name).
/// </summary>
internal sealed class PredictRequest
{
    private PredictRequest(bool rowForm, int rows, IReadOnlyList<float[]> inputs)
    {
        RowForm = rowForm;
        Rows = rows;
        Inputs = inputs;
    }

    /// <summary>The one signature a Keras model serves (TF Serving's default signature key).</summary>
    public const string ServingSignature = "serving_default";

    public bool RowForm { get; }
    public int Rows { get; }
    /// <summary>Each model input's values, flat, row-major, for all rows.</summary>
    public IReadOnlyList<float[]> Inputs { get; }

    public static PredictRequest Parse(JsonElement body, Model model)
    {
        try
        {
            return ParseChecked(body, model);
        }
        catch (InvalidOperationException e)
        {
            // Only the JSON reader throws this here: a name or string it cannot turn into .NET text (a lone surrogate
            // such as "\ud800"), which is the client's mistake.
            throw Bad($"The request holds text that is not valid Unicode: {e.Message}");
        }
    }

    private static PredictRequest ParseChecked(JsonElement body, Model model)
    {
        if (body.ValueKind != JsonValueKind.Object)
            throw Bad("The request body must be a JSON object with \"instances\" or \"inputs\".");
        if (body.TryGetProperty("signature_name", out var signature))
        {
            if (signature.ValueKind != JsonValueKind.String) throw Bad("'signature_name' key must be a string value.");
            string signatureName = signature.GetString()!;
            if (signatureName.Length > 0 && signatureName != ServingSignature)
                throw Bad($"Serving signature name: \"{signatureName}\" not found in signature def");
        }
        bool hasInstances = body.TryGetProperty("instances", out var instances);
        bool hasInputs = body.TryGetProperty("inputs", out var inputs);
        if (hasInstances == hasInputs)
            throw Bad("Request must specify exactly one of \"instances\" (row format) or \"inputs\" (columnar format).");
        var names = model.InputNames;
        var rowShapes = FixedRowShapes(model);
        var dtypes = model.Inputs.Select(i => i.DType).ToArray();
        var limits = LimitsOf(model);
        if (hasInstances)
        {
            if (instances.ValueKind != JsonValueKind.Array || instances.GetArrayLength() == 0)
                throw Bad("\"instances\" must be a non-empty list.");
            var perInput = names.Select(_ => new List<float>()).ToArray();
            int row = 0;
            foreach (var instance in instances.EnumerateArray())
            {
                if (names.Count == 1 && IsBase64(instance)) throw Base64($"instance {row}", names[0], dtypes[0]);
                if (names.Count == 1 && instance.ValueKind != JsonValueKind.Object)
                    Flatten(instance, rowShapes[0], dtypes[0], limits[0], names[0], perInput[0], row, $"instance {row}");
                else
                {
                    if (instance.ValueKind != JsonValueKind.Object)
                        throw Bad($"instance {row}: a model with several inputs ({string.Join(", ", names)}) takes one object per instance, keyed by input name.");
                    CheckNames(instance, names, $"instance {row}");
                    for (int i = 0; i < names.Count; i++)
                        Flatten(instance.GetProperty(names[i]), rowShapes[i], dtypes[i], limits[i], names[i], perInput[i], row, $"instance {row}");
                }
                row++;
            }
            return new PredictRequest(true, row, perInput.Select(l => l.ToArray()).ToArray());
        }
        var values = new float[names.Count][];
        int rows = -1;
        for (int i = 0; i < names.Count; i++)
        {
            JsonElement column;
            if (inputs.ValueKind == JsonValueKind.Object)
            {
                if (i == 0) CheckNames(inputs, names, "\"inputs\"");
                column = inputs.GetProperty(names[i]);
            }
            else if (names.Count == 1) column = inputs;
            else throw Bad($"\"inputs\" must be an object keyed by input name for a model with several inputs ({string.Join(", ", names)}).");
            if (column.ValueKind != JsonValueKind.Array || column.GetArrayLength() == 0)
                throw Bad($"input \"{names[i]}\" must be a non-empty list of rows.");
            var list = new List<float>();
            int count = 0;
            foreach (var item in column.EnumerateArray())
            {
                Flatten(item, rowShapes[i], dtypes[i], limits[i], names[i], list, count, $"row {count}");
                count++;
            }
            rows = SameRows(names, i, count, rows);
            values[i] = list.ToArray();
        }
        return new PredictRequest(false, rows, values);
    }

    private static void CheckNames(JsonElement obj, IReadOnlyList<string> names, string where) =>
        CheckNames(obj.EnumerateObject().Select(p => p.Name).ToArray(), names, where);

    private static void CheckNames(string[] given, IReadOnlyList<string> names, string where)
    {
        var missing = names.Except(given).ToArray();
        var unknown = given.Except(names).ToArray();
        if (missing.Length > 0) throw Bad($"{where}: missing input(s) {string.Join(", ", missing.Select(m => $"\"{m}\""))}; the model's inputs are {string.Join(", ", names)}.");
        if (unknown.Length > 0) throw Bad($"{where}: unknown input(s) {string.Join(", ", unknown.Select(m => $"\"{m}\""))}; the model's inputs are {string.Join(", ", names)}.");
    }

    /// <summary>Each input's row shape (the shape after the batch axis), which must be fixed: rows are checked against it.</summary>
    private static Shape[] FixedRowShapes(Model model) => [.. model.Inputs.Select((input, i) =>
    {
        var rowShape = input.Shape.Slice(1..);
        return rowShape.IsFullyDefined ? rowShape
            : throw Bad($"input \"{model.InputNames[i]}\" has variable dimensions {rowShape.WithBatch(null)}; the server needs fixed ones.");
    })];

    /// <summary>The row count every input shares: <paramref name="count"/>, which must equal the earlier inputs' <paramref name="rows"/> (−1 before any).</summary>
    private static int SameRows(IReadOnlyList<string> names, int input, int count, int rows) =>
        rows < 0 || count == rows ? count
            : throw Bad($"Input \"{names[input]}\" has {count} rows, but \"{names[0]}\" has {rows}: every input needs the same number of rows.");

    /// <summary>
    /// Appends row <paramref name="row"/>, of the fixed <paramref name="shape"/>, to <paramref name="target"/>; integer
    /// values must lie in [0, <paramref name="limit"/>) when the input has a limit.
    /// </summary>
    private static void Flatten(JsonElement value, Shape shape, DType dtype, int? limit, string input, List<float> target, int row, string where)
    {
        var position = new int[shape.Rank + 1];
        position[0] = row;
        void Walk(JsonElement element, int depth)
        {
            if (IsBase64(element)) throw Base64(where, input, dtype);
            if (depth == shape.Rank)
            {
                if (element.ValueKind != JsonValueKind.Number)
                    throw Bad($"{where}: input \"{input}\" expects numbers ({dtype.KerasName()}) in rows of shape {shape}, but found {Describe(element)} inside the row.");
                target.Add(Checked(element.GetDouble(), element.GetRawText(), dtype, limit, input, position, where));
                return;
            }
            if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() != shape[depth])
                throw Bad($"{where}: input \"{input}\" expects rows of shape {shape} (model input {shape.WithBatch(null)}), but received {Describe(value)}.");
            int index = 0;
            foreach (var item in element.EnumerateArray())
            {
                position[depth + 1] = index++;
                Walk(item, depth + 1);
            }
        }
        Walk(value, 0);
    }

    /// <summary>
    /// A gRPC <c>PredictRequest</c>'s inputs (TF Serving's <c>TensorProto</c>s, batch first), checked against the model
    /// as a REST body is: names, dtypes, shapes, and every value. Values come from the typed list of the tensor's dtype
    /// or from <c>tensor_content</c> (little-endian); a single value fills the whole shape, as TensorFlow reads it.
    /// </summary>
    public static PredictRequest FromTensors(IReadOnlyDictionary<string, Tensorflow.TensorProto> tensors, Model model)
    {
        var names = model.InputNames;
        CheckNames([.. tensors.Keys], names, "inputs");
        var rowShapes = FixedRowShapes(model);
        var limits = LimitsOf(model);
        var values = new float[names.Count][];
        int rows = -1;
        for (int i = 0; i < names.Count; i++)
        {
            var tensor = tensors[names[i]];
            var rowShape = rowShapes[i];
            var dtype = model.Inputs[i].DType;
            string where = $"input \"{names[i]}\"";
            var dims = tensor.TensorShape?.Dim.Select(d => d.Size).ToArray() ?? [];
            if (dims.Length != rowShape.Rank + 1 || dims[0] < 1 || !dims.Skip(1).SequenceEqual(rowShape.Select(d => (long)d!.Value)))
                throw Bad($"{where} expects a tensor of shape {rowShape.WithBatch(null)} with at least one row, but received shape ({string.Join(", ", dims)}).");
            if (dims[0] > int.MaxValue) throw Bad($"{where} holds {dims[0]} rows.");
            rows = SameRows(names, i, (int)dims[0], rows);
            long count = dims.Aggregate(1L, (p, d) => p * d);
            var given = TensorValues(tensor, where);
            if (given.Count != count && given.Count != 1)
                throw Bad($"{where}: a tensor of shape ({string.Join(", ", dims)}) holds {count} values, but {given.Count} were sent.");
            var flat = new float[count];
            var position = new int[dims.Length];
            for (long k = 0; k < count; k++)
            {
                long rest = k;
                for (int d = dims.Length - 1; d >= 0; d--)
                {
                    position[d] = (int)(rest % dims[d]);
                    rest /= dims[d];
                }
                double number = given.Count == 1 ? given[0] : given[(int)k];
                flat[k] = Checked(number, number.ToString("R", System.Globalization.CultureInfo.InvariantCulture), dtype, limits[i], names[i], position, $"row {position[0]}");
            }
            values[i] = flat;
        }
        return new PredictRequest(false, rows, values);
    }

    /// <summary>A TensorProto's values as doubles, from the list its dtype uses or from its raw bytes.</summary>
    private static IReadOnlyList<double> TensorValues(Tensorflow.TensorProto tensor, string where)
    {
        byte[] content = tensor.TensorContent.ToByteArray();
        IReadOnlyList<double> Raw<T>(int size, Func<ReadOnlySpan<byte>, T> read, Func<T, double> widen) where T : struct
        {
            if (content.Length % size != 0) throw Bad($"{where}: tensor_content holds {content.Length} bytes, not a whole number of {size}-byte values.");
            var result = new double[content.Length / size];
            for (int k = 0; k < result.Length; k++) result[k] = widen(read(content.AsSpan(k * size, size)));
            return result;
        }
        bool raw = !tensor.TensorContent.IsEmpty;
        return tensor.Dtype switch
        {
            Tensorflow.DataType.DtFloat => raw ? Raw(4, System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian, v => v) : [.. tensor.FloatVal.Select(v => (double)v)],
            Tensorflow.DataType.DtDouble => raw ? Raw(8, System.Buffers.Binary.BinaryPrimitives.ReadDoubleLittleEndian, v => v) : [.. tensor.DoubleVal],
            Tensorflow.DataType.DtInt32 or Tensorflow.DataType.DtInt16 or Tensorflow.DataType.DtInt8 or Tensorflow.DataType.DtUint8 when !raw => [.. tensor.IntVal.Select(v => (double)v)],
            Tensorflow.DataType.DtInt32 => Raw(4, System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian, v => v),
            Tensorflow.DataType.DtInt64 => raw ? Raw(8, System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian, v => v) : [.. tensor.Int64Val.Select(v => (double)v)],
            Tensorflow.DataType.DtString => throw Bad($"{where} received a DT_STRING tensor; this model has no string input (it takes numbers)."),
            var other => throw Bad($"{where} received a tensor of dtype {Tensorflow.TypesReflection.Descriptor.EnumTypes[0].FindValueByNumber((int)other)?.Name ?? ((int)other).ToString()}; send DT_FLOAT, DT_DOUBLE, DT_INT32 or DT_INT64."),
        };
    }

    /// <summary>
    /// One value of an input, checked as the model will take it: a finite float32; for an integer input, an integer
    /// float32 carries exactly, within the Embedding's range where it feeds one (at <paramref name="position"/> in the batch).
    /// </summary>
    private static float Checked(double number, string raw, DType dtype, int? limit, string input, int[] position, string where)
    {
        if (!double.IsFinite(number) || Math.Abs(number) > float.MaxValue)
            throw Bad($"{where}: input \"{input}\" holds a value that is not a finite float32: {raw}.");
        if (!dtype.IsFloating() && number != Math.Floor(number))
            throw Bad($"{where}: input \"{input}\" has dtype {dtype.KerasName()}, but received the non-integer {raw}.");
        // Values travel as float32, exact for integers up to 2^24: refuse larger ones rather than round them.
        if (!dtype.IsFloating() && Math.Abs(number) > LargestExactInteger)
            throw Bad($"{where}: input \"{input}\" has dtype {dtype.KerasName()}, but received {raw}, beyond ±{LargestExactInteger} (the largest integers this server carries exactly).");
        // Keras's (TensorFlow's) wording for an index an Embedding cannot look up, at its place in the batch.
        if (limit is int bound && (number < 0 || number >= bound))
            throw Bad($"{where}: input \"{input}\": indices[{string.Join(",", position)}] = {raw} is not in [0, {bound}).");
        return (float)number;
    }

    /// <summary>Says what a JSON value looks like: its nested-array shape (following first elements) or its kind.</summary>
    private static string Describe(JsonElement value)
    {
        var dimensions = new List<int?>();
        var element = value;
        while (element.ValueKind == JsonValueKind.Array)
        {
            dimensions.Add(element.GetArrayLength());
            if (element.GetArrayLength() == 0) break;
            element = element[0];
        }
        if (element.ValueKind is not (JsonValueKind.Number or JsonValueKind.Array))
            return dimensions.Count == 0 ? $"a {element.ValueKind.ToString().ToLowerInvariant()}"
                : $"a {element.ValueKind.ToString().ToLowerInvariant()} inside an array of shape {new Shape(dimensions.ToArray())}";
        return $"shape {new Shape(dimensions.ToArray())}" + (dimensions.Count == 0 ? " (a single number)" : "");
    }

    private static RequestException Bad(string message) => new(400, message);

    /// <summary>TF Serving's JSON form of bytes for a string tensor: <c>{"b64": "..."}</c>.</summary>
    private static bool IsBase64(JsonElement element) => element.ValueKind == JsonValueKind.Object && element.TryGetProperty("b64", out _);

    private static RequestException Base64(string where, string input, DType dtype) => Bad(
        $"{where}: input \"{input}\" received a {{\"b64\": ...}} value, which carries bytes for a string input (DT_STRING); " +
        $"this input takes numbers ({dtype.KerasName()}), and the model has no string input.");

    /// <summary>Each model's integer-input limits (<see cref="Model.IndexInputLimit"/>), found once per model.</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Model, int?[]> Limits = new();

    private static int?[] LimitsOf(Model model) =>
        Limits.GetValue(model, m => [.. m.Inputs.Select((input, i) => input.DType.IsFloating() ? null : m.IndexInputLimit(i))]);

    /// <summary>2^24: every integer up to it in magnitude is exact in float32.</summary>
    private const int LargestExactInteger = 1 << 24;
}
