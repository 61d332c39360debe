using TfFunctional.Layers;
using System.Linq.Expressions;
using System.Reflection;
using Google.Protobuf;
using TfFunctional.Export.Onnx.Proto;

namespace TfFunctional.Export.Onnx;

/// <summary>
/// Keras models as ONNX (opset 17, dynamic batch axis, inputs and outputs named as the model's). One converter per layer
/// class, found by the class it takes (the built-in ones in <c>Export/Onnx/Converters</c>); the layers know nothing of
/// ONNX. A layer without a converter, or a configuration ONNX cannot express, is refused by name.
/// </summary>
public static class OnnxExport
{
    /// <summary>The opset written.</summary>
    public const int Opset = 17;

    private static readonly Dictionary<Type, Func<Layer, OnnxGraph, OnnxCall, IReadOnlyList<string>>> Converters = BuiltIn<IReadOnlyList<string>>("Convert");

    /// <summary>
    /// The ONNX rules of the layer classes whose <c>ComputeMasks</c> is their own: each
    /// <c>public static IReadOnlyList&lt;OnnxMask?&gt; Mask(TLayer, OnnxGraph, OnnxCall)</c> of the converter classes gives the
    /// mask of each output (null for none), as <c>ComputeMasks</c> makes it in <c>Predict</c>.
    /// </summary>
    private static readonly Dictionary<Type, Func<Layer, OnnxGraph, OnnxCall, IReadOnlyList<OnnxMask?>>> MaskRules = BuiltIn<IReadOnlyList<OnnxMask?>>("Mask");

    /// <summary>Registers the converter of a custom layer class (it replaces any converter of that exact class).</summary>
    public static void Register<TLayer>(OnnxConverter<TLayer> converter) where TLayer : Layer
    {
        ArgumentNullException.ThrowIfNull(converter);
        lock (Converters) Converters[typeof(TLayer)] = (layer, graph, call) => converter((TLayer)layer, graph, call);
    }

    /// <summary>
    /// Every <c>public static TResult {name}(TLayer, OnnxGraph, OnnxCall)</c> of the converter classes, by the layer class
    /// of its first parameter.
    /// </summary>
    private static Dictionary<Type, Func<Layer, OnnxGraph, OnnxCall, TResult>> BuiltIn<TResult>(string name)
    {
        var found = new Dictionary<Type, Func<Layer, OnnxGraph, OnnxCall, TResult>>();
        var converters = typeof(OnnxExport).Assembly.GetTypes().Where(t => t.Namespace == typeof(OnnxExport).Namespace + ".Converters");
        foreach (var method in converters.SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static)).Where(m => m.Name == name))
        {
            var parameters = method.GetParameters();
            if (parameters.Length != 3 || !typeof(Layer).IsAssignableFrom(parameters[0].ParameterType) || method.ReturnType != typeof(TResult)) continue;
            // (layer, graph, call) => Method((TLayer)layer, graph, call)
            var layer = Expression.Parameter(typeof(Layer));
            var graph = Expression.Parameter(typeof(OnnxGraph));
            var call = Expression.Parameter(typeof(OnnxCall));
            var body = Expression.Call(method, Expression.Convert(layer, parameters[0].ParameterType), graph, call);
            found.Add(parameters[0].ParameterType, Expression.Lambda<Func<Layer, OnnxGraph, OnnxCall, TResult>>(body, layer, graph, call).Compile());
        }
        return found;
    }

    /// <summary>The ONNX mask rule of <paramref name="layer"/>'s class or of its nearest base class that has one.</summary>
    internal static Func<Layer, OnnxGraph, OnnxCall, IReadOnlyList<OnnxMask?>>? FindMask(Layer layer)
    {
        for (var type = layer.GetType(); type is not null && type != typeof(Layer); type = type.BaseType)
            if (MaskRules.TryGetValue(type, out var rule))
                return rule;
        return null;
    }

    /// <summary>The converter of <paramref name="layer"/>'s class or of its nearest base class that has one.</summary>
    internal static Func<Layer, OnnxGraph, OnnxCall, IReadOnlyList<string>>? Find(Layer layer)
    {
        lock (Converters)
        {
            for (var type = layer.GetType(); type is not null && type != typeof(Layer); type = type.BaseType)
                if (Converters.TryGetValue(type, out var convert))
                    return convert;
        }
        return null;
    }

    /// <summary>The model as a serialized ONNX <c>ModelProto</c>.</summary>
    /// <exception cref="NotSupportedException">A layer cannot be exported; the message names it and says why.</exception>
    public static byte[] ToBytes(Model model) => Build(model).Proto.ToByteArray();

    /// <summary>The model's ONNX message and the graph it was written into (which knows the initializers that are variables as kept).</summary>
    internal static (ModelProto Proto, OnnxGraph Graph) Build(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var graph = new OnnxGraph();
        graph.Proto.Name = model.Name;
        var inputNames = new List<string>();
        foreach (var input in model.Inputs)
        {
            string name = input.Layer.Name;
            if (!graph.Reserve(name)) throw new NotSupportedException($"Model \"{model.Name}\" has two inputs named '{name}'; ONNX needs unique names.");
            graph.Proto.Input.Add(ValueInfo(name, input.Shape, input.DType));
            inputNames.Add(name);
        }
        var outputs = OnnxGraphWriter.Write(model, graph, inputNames, new OnnxMask?[inputNames.Count]);
        for (int i = 0; i < outputs.Count; i++)
        {
            // The outputs carry the model's output names; a name already taken (one layer's second output, an input's
            // name) is numbered: the graph's own name set is the only record needed.
            string wanted = model.OutputNames[i];
            string name = graph.Reserve(wanted) ? wanted : graph.Unique(wanted);
            graph.Name(outputs[i], name);
            graph.Proto.Output.Add(ValueInfo(name, model.Outputs[i].Shape, model.Outputs[i].DType));
        }
        var proto = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "TfFunctional",
            ProducerVersion = typeof(OnnxExport).Assembly.GetName().Version?.ToString() ?? "",
            Graph = graph.Proto,
        };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        return (proto, graph);
    }

    private static ValueInfoProto ValueInfo(string name, Shape shape, DType dtype)
    {
        var tensorShape = new TensorShapeProto();
        for (int i = 0; i < shape.Rank; i++)
            tensorShape.Dim.Add(shape[i] is int size && i > 0 ? new TensorShapeProto.Types.Dimension { DimValue = size }
                : new TensorShapeProto.Types.Dimension { DimParam = i == 0 ? "batch" : $"{name}_dim{i}" });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)ElementType(dtype, name), Shape = tensorShape } },
        };
    }

    internal static TensorProto.Types.DataType ElementType(DType dtype, string what) => dtype switch
    {
        DType.Float32 => TensorProto.Types.DataType.Float,
        DType.Int32 => TensorProto.Types.DataType.Int32,
        DType.Int64 => TensorProto.Types.DataType.Int64,
        DType.Float64 => TensorProto.Types.DataType.Double,
        DType.Bool => TensorProto.Types.DataType.Bool,
        _ => throw new NotSupportedException($"'{what}' has dtype {dtype}, which the ONNX export does not write."),
    };
}
