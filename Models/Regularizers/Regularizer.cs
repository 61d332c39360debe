using System.Text.Json.Nodes;
using TfFunctional.Saving;

namespace TfFunctional.Regularizers;

/// <summary>A penalty on a weight (or a layer's output), added to the training loss, as Keras's regularizers.</summary>
public abstract class Regularizer : IKerasSerializable
{
    /// <summary>The penalty for <paramref name="x"/>, a scalar tensor.</summary>
    public abstract Tensor Call(Tensor x);

    /// <summary>The arguments, with Keras's keys.</summary>
    public abstract JsonObject GetConfig();

    /// <summary>The class name Keras writes.</summary>
    public virtual string ClassName => GetType().Name;

    /// <inheritdoc />
    public JsonNode? ToConfigJson() => new JsonObject { ["class_name"] = ClassName, ["config"] = GetConfig() };

    /// <summary>A regularizer by Keras name: <c>l1</c>, <c>l2</c>, <c>l1_l2</c> (Keras default factors).</summary>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    public static Regularizer Get(string name) => name switch
    {
        "l1" or "L1" => new L1(),
        "l2" or "L2" => new L2(),
        "l1_l2" or "L1L2" => new L1L2(),
        _ => throw new ArgumentException($"Could not interpret regularizer identifier: {name}. Known: l1, l2, l1_l2.", nameof(name)),
    };

    /// <summary>A Keras name converts to the regularizer it names.</summary>
    public static implicit operator Regularizer(string name) => Get(name);
}
