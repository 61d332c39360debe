using System.Text.Json.Nodes;
using TfFunctional.Saving;

namespace TfFunctional.Constraints;

/// <summary>A projection applied to a weight after each optimizer step, as Keras's constraints.</summary>
public abstract class Constraint : IKerasSerializable
{
    /// <summary>Keras's epsilon in the norm constraints.</summary>
    protected const double Epsilon = 1e-7;

    /// <summary>The projected value of <paramref name="w"/>.</summary>
    public abstract Tensor Call(Tensor w);

    /// <summary>The arguments, with Keras's keys.</summary>
    public virtual JsonObject GetConfig() => [];

    /// <summary>The class name Keras writes.</summary>
    public virtual string ClassName => GetType().Name;

    /// <inheritdoc />
    public JsonNode? ToConfigJson() => new JsonObject { ["class_name"] = ClassName, ["config"] = GetConfig() };

    /// <summary>A constraint by Keras name: <c>max_norm</c>, <c>non_neg</c>, <c>unit_norm</c>, <c>min_max_norm</c>.</summary>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    public static Constraint Get(string name) => name switch
    {
        "max_norm" or "MaxNorm" => new MaxNorm(),
        "non_neg" or "NonNeg" => new NonNeg(),
        "unit_norm" or "UnitNorm" => new UnitNorm(),
        "min_max_norm" or "MinMaxNorm" => new MinMaxNorm(),
        _ => throw new ArgumentException($"Could not interpret constraint identifier: {name}. Known: max_norm, non_neg, unit_norm, min_max_norm.", nameof(name)),
    };

    /// <summary>A Keras name converts to the constraint it names.</summary>
    public static implicit operator Constraint(string name) => Get(name);

    /// <summary>The L2 norms of <paramref name="w"/> over <paramref name="axes"/>, kept as size-1 axes.</summary>
    protected static Tensor Norms(Tensor w, int[] axes) => Ops.Sqrt(Ops.Sum(Ops.Square(w), axes, keepDims: true));

    /// <summary>Keras writes a one-axis list as a bare int.</summary>
    protected static JsonNode AxisJson(int[] axes) => axes.Length == 1 ? JsonValue.Create(axes[0]) : new JsonArray(axes.Select(a => (JsonNode)a).ToArray());
}
