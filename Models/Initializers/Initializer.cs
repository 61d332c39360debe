using System.Text.Json.Nodes;
using TfFunctional.Saving;

namespace TfFunctional.Initializers;

/// <summary>Creates a weight's initial value, as Keras's initializers; serializes as <c>{"class_name": ..., "config": {...}}</c>.</summary>
public abstract class Initializer : IKerasSerializable
{
    /// <summary>The initial value of a weight of <paramref name="shape"/> (Keras layout).</summary>
    public abstract Tensor Call(IReadOnlyList<int> shape, DType dtype = DType.Float32);

    /// <summary>The class name Keras writes.</summary>
    public virtual string ClassName => GetType().Name;

    /// <summary>The constructor arguments, with Keras's keys.</summary>
    public virtual JsonObject GetConfig() => [];

    /// <inheritdoc />
    public JsonNode? ToConfigJson() => new JsonObject { ["class_name"] = ClassName, ["config"] = GetConfig() };

    /// <summary>An initializer by its Keras name (<c>"glorot_uniform"</c>, <c>"zeros"</c>, <c>"he_normal"</c>, …) or class name.</summary>
    /// <exception cref="ArgumentException">Unknown name; the message lists the known ones.</exception>
    public static Initializer Get(string name) => name switch
    {
        "glorot_uniform" or "GlorotUniform" => new GlorotUniform(),
        "glorot_normal" or "GlorotNormal" => new GlorotNormal(),
        "he_normal" or "HeNormal" => new HeNormal(),
        "he_uniform" or "HeUniform" => new HeUniform(),
        "lecun_normal" or "LecunNormal" => new LecunNormal(),
        "lecun_uniform" or "LecunUniform" => new LecunUniform(),
        "random_normal" or "RandomNormal" => new RandomNormal(),
        "random_uniform" or "RandomUniform" => new RandomUniform(),
        "truncated_normal" or "TruncatedNormal" => new TruncatedNormal(),
        "orthogonal" or "Orthogonal" => new Orthogonal(),
        "zeros" or "Zeros" => new Zeros(),
        "ones" or "Ones" => new Ones(),
        "constant" or "Constant" => new Constant(),
        "identity" or "Identity" => new Identity(),
        _ => throw new ArgumentException(
            $"Could not interpret initializer identifier: {name}. Known: glorot_uniform, glorot_normal, he_normal, he_uniform, lecun_normal, " +
            "lecun_uniform, random_normal, random_uniform, truncated_normal, orthogonal, zeros, ones, constant, identity.", nameof(name)),
    };

    /// <summary>A Keras name converts to the initializer it names.</summary>
    public static implicit operator Initializer(string name) => Get(name);

    /// <summary>Keras's compute_fans on a Keras-layout shape: receptive field × input and × output channels.</summary>
    protected static (double FanIn, double FanOut) ComputeFans(IReadOnlyList<int> shape)
    {
        if (shape.Count == 0) return (1, 1);
        if (shape.Count == 1) return (shape[0], shape[0]);
        if (shape.Count == 2) return (shape[0], shape[1]);
        double receptive = 1;
        for (int i = 0; i < shape.Count - 2; i++) receptive *= shape[i];
        return (shape[^2] * receptive, shape[^1] * receptive);
    }
}
