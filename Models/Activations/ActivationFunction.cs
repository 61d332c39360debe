using System.Text.Json.Nodes;
using TfFunctional.Layers;
using TfFunctional.Saving;

namespace TfFunctional.Activations;

/// <summary>
/// An activation function as Keras passes it to <c>activation=</c>: converts from a Keras name (<c>"relu"</c>),
/// a layer (<c>new LeakyReLU(0.2)</c>) or a <c>Func&lt;Tensor, Tensor&gt;</c>.
/// </summary>
public sealed class ActivationFunction : IKerasSerializable
{
    private readonly Func<Tensor, Tensor> _apply;
    private readonly Layer? _layer;

    /// <summary>Creates a named activation.</summary>
    public ActivationFunction(string name, Func<Tensor, Tensor> apply)
    {
        Name = name;
        _apply = apply;
    }

    private ActivationFunction(Layer layer)
    {
        Name = layer.Name;
        _layer = layer;
        _apply = x => layer.Call(x);
    }

    /// <summary>The Keras name (<c>relu</c>), or the layer's name for a layer.</summary>
    public string Name { get; }

    /// <summary>True for the identity, <c>linear</c>.</summary>
    public bool IsLinear => ReferenceEquals(this, Linear);

    /// <summary>Applies the function.</summary>
    public Tensor Apply(Tensor x) => _apply(x);

    /// <inheritdoc />
    public JsonNode? ToConfigJson() => _layer is null
        ? JsonValue.Create(Name)
        : new JsonObject { ["class_name"] = _layer.ClassName, ["config"] = _layer.GetConfig().Json.DeepClone() };

    /// <inheritdoc />
    public override string ToString() => Name;

    /// <summary>A Keras name converts to the function it names.</summary>
    public static implicit operator ActivationFunction(string name) => Get(name);

    /// <summary>A layer (LeakyReLU, PReLU, …) is used as the activation.</summary>
    public static implicit operator ActivationFunction(Layer layer) => new(layer);

    /// <summary>A C# function is used as the activation (named <c>lambda</c> in configs).</summary>
    public static implicit operator ActivationFunction(Func<Tensor, Tensor> function) => new("lambda", function);

    /// <summary><c>x</c>.</summary>
    public static ActivationFunction Linear { get; } = new("linear", x => x);
    /// <summary><c>max(x, 0)</c>.</summary>
    public static ActivationFunction Relu { get; } = new("relu", Ops.Relu);
    /// <summary><c>min(max(x, 0), 6)</c>.</summary>
    public static ActivationFunction Relu6 { get; } = new("relu6", Ops.Relu6);
    /// <summary><c>1 / (1 + exp(−x))</c>.</summary>
    public static ActivationFunction Sigmoid { get; } = new("sigmoid", Ops.Sigmoid);
    /// <summary>tanh.</summary>
    public static ActivationFunction Tanh { get; } = new("tanh", Ops.Tanh);
    /// <summary>Softmax over the last axis.</summary>
    public static ActivationFunction Softmax { get; } = new("softmax", x => Ops.Softmax(x, -1));
    /// <summary>Log-softmax over the last axis.</summary>
    public static ActivationFunction LogSoftmax { get; } = new("log_softmax", x => Ops.LogSoftmax(x, -1));
    /// <summary>ELU with alpha 1.</summary>
    public static ActivationFunction Elu { get; } = new("elu", x => Ops.Elu(x));
    /// <summary>SELU.</summary>
    public static ActivationFunction Selu { get; } = new("selu", Ops.Selu);
    /// <summary><c>log(exp(x) + 1)</c>.</summary>
    public static ActivationFunction Softplus { get; } = new("softplus", Ops.Softplus);
    /// <summary><c>x / (|x| + 1)</c>.</summary>
    public static ActivationFunction Softsign { get; } = new("softsign", Ops.Softsign);
    /// <summary>Keras 3's hard sigmoid <c>relu6(x + 3) / 6</c>.</summary>
    public static ActivationFunction HardSigmoid { get; } = new("hard_sigmoid", Ops.HardSigmoid);
    /// <summary>The hard sigmoid of Keras ≤ 2.x and TF.js, <c>clip(0.2x + 0.5, 0, 1)</c>: what <c>hard_sigmoid</c> means in their files.</summary>
    public static ActivationFunction HardSigmoidLegacy { get; } = new("hard_sigmoid", Ops.HardSigmoidLegacy);
    /// <summary><c>exp(x)</c>.</summary>
    public static ActivationFunction Exponential { get; } = new("exponential", Ops.Exponential);
    /// <summary>GELU (exact, as Keras's default <c>approximate=False</c>).</summary>
    public static ActivationFunction Gelu { get; } = new("gelu", x => Ops.Gelu(x));
    /// <summary><c>x · sigmoid(x)</c>.</summary>
    public static ActivationFunction Swish { get; } = new("swish", Ops.Silu);
    /// <summary><c>x · sigmoid(x)</c> under its other name.</summary>
    public static ActivationFunction Silu { get; } = new("silu", Ops.Silu);
    /// <summary>Leaky relu with Keras 3's default negative slope 0.2.</summary>
    public static ActivationFunction LeakyRelu { get; } = new("leaky_relu", x => Ops.LeakyRelu(x, 0.2));

    /// <summary>Every activation Keras knows by name.</summary>
    public static IReadOnlyList<ActivationFunction> All { get; } =
    [
        Linear, Relu, Relu6, Sigmoid, Tanh, Softmax, LogSoftmax, Elu, Selu, Softplus, Softsign, HardSigmoid, Exponential,
        Gelu, Swish, Silu, LeakyRelu,
    ];

    /// <summary>An activation by Keras name; <c>null</c> or empty means linear, as in Keras.</summary>
    /// <exception cref="ArgumentException">Unknown name; the message lists the known ones.</exception>
    public static ActivationFunction Get(string? name)
    {
        if (string.IsNullOrEmpty(name)) return Linear;
        return All.FirstOrDefault(a => a.Name == name)
               ?? throw new ArgumentException(
                   $"Could not interpret activation function identifier: {name}. Known: {string.Join(", ", All.Select(a => a.Name))}.", nameof(name));
    }
}
