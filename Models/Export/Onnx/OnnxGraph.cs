using TfFunctional.Layers;
using Google.Protobuf;
using TfFunctional.Export.Onnx.Proto;

namespace TfFunctional.Export.Onnx;

/// <summary>
/// The ONNX graph an export writes, as converters see it: they add nodes and constants by name and get the names of
/// the values made. Names are unique within the graph; a hint (the layer's name) keeps them readable in Netron.
/// </summary>
public sealed class OnnxGraph
{
    private readonly HashSet<string> _names = [];
    private readonly Dictionary<string, int> _counters = [];

    internal GraphProto Proto { get; } = new();

    /// <summary>A name not used yet in this graph, made from <paramref name="hint"/>.</summary>
    public string Unique(string hint)
    {
        string name = hint;
        while (!_names.Add(name))
        {
            int next = _counters.GetValueOrDefault(hint) + 1;
            _counters[hint] = next;
            name = $"{hint}_{next}";
        }
        return name;
    }

    /// <summary>Reserves <paramref name="name"/> exactly (a model input or output); false when taken.</summary>
    internal bool Reserve(string name) => _names.Add(name);

    /// <summary>Adds the operator <paramref name="opType"/> on <paramref name="inputs"/> ("" for an omitted optional input) and returns its one output.</summary>
    /// <param name="opType">The ONNX operator (opset 17), e.g. <c>MatMul</c>.</param>
    /// <param name="inputs">Names of values in this graph.</param>
    /// <param name="hint">A readable base for the output's name (the layer's name).</param>
    /// <param name="attributes">Attributes by name: <c>long</c>/<c>int</c>, <c>float</c>/<c>double</c>, <c>string</c>, <c>long[]</c>/<c>int[]</c>, <c>float[]</c>, <c>string[]</c>.</param>
    public string Add(string opType, IReadOnlyList<string> inputs, string hint, params (string Name, object Value)[] attributes) =>
        Add(opType, inputs, 1, hint, attributes)[0];

    /// <summary>Adds an operator with <paramref name="outputCount"/> outputs and returns their names.</summary>
    public string[] Add(string opType, IReadOnlyList<string> inputs, int outputCount, string hint, params (string Name, object Value)[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = Unique($"{hint}/{opType}") };
        node.Input.AddRange(inputs);
        var outputs = new string[outputCount];
        for (int i = 0; i < outputCount; i++) outputs[i] = Unique($"{hint}/{opType}:{i}");
        node.Output.AddRange(outputs);
        foreach (var (name, value) in attributes) node.Attribute.Add(Attribute(name, value));
        Proto.Node.Add(node);
        return outputs;
    }

    /// <summary>Gives <paramref name="value"/> the reserved name <paramref name="name"/> (a model output) through an Identity.</summary>
    internal void Name(string value, string name)
    {
        var node = new NodeProto { OpType = "Identity", Name = Unique($"{name}/Identity") };
        node.Input.Add(value);
        node.Output.Add(name);
        Proto.Node.Add(node);
    }

    /// <summary>A float32 constant of shape <paramref name="dims"/> (row-major values), stored as an initializer.</summary>
    public string Constant(string hint, float[] values, params long[] dims)
    {
        var tensor = new TensorProto { Name = Unique(hint), DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan())) };
        tensor.Dims.AddRange(dims);
        Proto.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>A float32 scalar constant.</summary>
    public string Scalar(string hint, double value) => Constant(hint, [(float)value]);

    /// <summary>An int64 constant (shapes, axes, pads, slice bounds), one-dimensional.</summary>
    public string Longs(string hint, params long[] values)
    {
        var tensor = new TensorProto { Name = Unique(hint), DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Int64Data.AddRange(values);
        tensor.Dims.Add(values.Length);
        Proto.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>An int64 scalar constant (Range's bounds, CumSum's axis).</summary>
    public string LongScalar(string hint, long value)
    {
        var tensor = new TensorProto { Name = Unique(hint), DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Int64Data.Add(value);
        Proto.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>
    /// The initializers that hold a variable's value exactly as the variable keeps it (float32, Keras layout): an engine
    /// running the export in this process may hand ONNX Runtime the variable's own memory for them instead of a copy.
    /// </summary>
    internal List<(string Name, Variable Variable)> VariableInitializers { get; } = [];

    /// <summary>A weight as a float32 constant in Keras's layout.</summary>
    public string Weight(Variable variable, string? hint = null)
    {
        using var scope = Ops.NewScope();
        string name = Constant(hint ?? variable.Path, variable.KerasValue);
        if (variable.StorageAxes is null && variable.DType == DType.Float32) VariableInitializers.Add((name, variable));
        return name;
    }

    /// <summary>A float32 constant holding <paramref name="value"/> (a weight rearranged with <see cref="Ops"/>: ONNX's kernel layouts).</summary>
    public string Constant(string hint, Tensor value)
    {
        using var scope = Ops.NewScope();
        // Copied once, from the tensor's memory into the message (no managed array between).
        var buffer = new HostBuffer(Ops.HostContiguous(Ops.Cast(value, DType.Float32)));
        var tensor = new TensorProto { Name = Unique(hint), DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(buffer.Bytes) };
        tensor.Dims.AddRange(value.Shape.Select(d => (long)d!.Value));
        Proto.Initializer.Add(tensor);
        return tensor.Name;
    }

    private static AttributeProto Attribute(string name, object value)
    {
        var attribute = new AttributeProto { Name = name };
        switch (value)
        {
            case int i: attribute.Type = AttributeProto.Types.AttributeType.Int; attribute.I = i; break;
            case long l: attribute.Type = AttributeProto.Types.AttributeType.Int; attribute.I = l; break;
            case float f: attribute.Type = AttributeProto.Types.AttributeType.Float; attribute.F = f; break;
            case double d: attribute.Type = AttributeProto.Types.AttributeType.Float; attribute.F = (float)d; break;
            case string s: attribute.Type = AttributeProto.Types.AttributeType.String; attribute.S = ByteString.CopyFromUtf8(s); break;
            case int[] ints: attribute.Type = AttributeProto.Types.AttributeType.Ints; attribute.Ints.AddRange(ints.Select(v => (long)v)); break;
            case long[] longs: attribute.Type = AttributeProto.Types.AttributeType.Ints; attribute.Ints.AddRange(longs); break;
            case float[] floats: attribute.Type = AttributeProto.Types.AttributeType.Floats; attribute.Floats.AddRange(floats); break;
            case string[] strings: attribute.Type = AttributeProto.Types.AttributeType.Strings; attribute.Strings.AddRange(strings.Select(ByteString.CopyFromUtf8)); break;
            default: throw new ArgumentException($"ONNX attribute '{name}' cannot hold a {value.GetType().Name}.", nameof(value));
        }
        return attribute;
    }
}
