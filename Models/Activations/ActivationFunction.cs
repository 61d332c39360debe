using System.Text.Json.Nodes;
using TfFunctional.Layers;
using TfFunctional.Saving;

namespace TfFunctional.Activations;

/// <summary>
/// An activation function as Keras passes it to <c>activation=</c>: converts from a Keras name (<c>"relu"</c>),
/// a layer (<c>new LeakyReLU(0.2)</c>) or a <c>Func&lt;Tensor, Tensor&gt;</c>.
/// </summary>
public sealed class ActivationFunction : IKerasSerializable, ISaveCheck
{
    /// <summary>The name a C# function that was not registered carries; no file can name it.</summary>
    private const string UnnamedFunction = "lambda";

    private readonly Func<Tensor, Tensor> _apply;
    private readonly Layer? _layer;
    private readonly bool _registered;

    /// <summary>Creates a named activation.</summary>
    public ActivationFunction(string name, Func<Tensor, Tensor> apply)
    {
        Name = name;
        _apply = apply;
    }

    private ActivationFunction(string name, Func<Tensor, Tensor> apply, bool registered) : this(name, apply) => _registered = registered;

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
    string? ISaveCheck.ProblemIn(ConfigFormat format)
    {
        if (_layer is not null) return null;
        if (Name == UnnamedFunction && !_registered)
            return "its activation is a C# function, which no Keras file can name: register it with " +
                   "Keras.RegisterActivation(\"my_activation\", function) and pass the name or the function returned";
        if (ReferenceEquals(this, HardSigmoidLegacy) && format == ConfigFormat.Keras3)
            return "it uses Keras 2's hard_sigmoid (clip(0.2x + 0.5, 0, 1)), which the .keras format cannot express (Keras 3 reads " +
                   "hard_sigmoid as relu6(x + 3) / 6); save it as .h5 to keep its meaning";
        return null;
    }

    /// <summary>The layer this activation runs, when it is one (<c>LeakyReLU</c> as an activation).</summary>
    internal Layer? Layer => _layer;

    /// <summary>True when this activation runs <paramref name="function"/>.</summary>
    internal bool Wraps(Func<Tensor, Tensor> function) => _apply == function;

    /// <summary>A user's activation under the name given to <c>Keras.RegisterActivation</c>.</summary>
    internal static ActivationFunction Registered(string name, Func<Tensor, Tensor> function) => new(name, function, registered: true);

    /// <inheritdoc />
    public override string ToString() => Name;

    /// <summary>A Keras name converts to the function it names.</summary>
    public static implicit operator ActivationFunction(string name) => Get(name);

    /// <summary>A layer (LeakyReLU, PReLU, …) is used as the activation.</summary>
    public static implicit operator ActivationFunction(Layer layer) => new(layer);

    /// <summary>
    /// A C# function is used as the activation. A function registered with <c>Keras.RegisterActivation</c> saves under
    /// its name; any other cannot be saved (<c>Save</c> says so, naming the layer).
    /// </summary>
    public static implicit operator ActivationFunction(Func<Tensor, Tensor> function) =>
        KerasRegistry.FindActivation(null, function) ?? new(UnnamedFunction, function);

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
    /// <summary>
    /// The hard sigmoid of Keras ≤ 2.x and TF.js, <c>clip(0.2x + 0.5, 0, 1)</c>: what <c>hard_sigmoid</c> means in their
    /// files. Its config name is its own, so that a copy through the config keeps the meaning; the legacy <c>.h5</c>
    /// writer records it as Keras 2's <c>hard_sigmoid</c>.
    /// </summary>
    public static ActivationFunction HardSigmoidLegacy { get; } = new(LegacyHardSigmoidName, Ops.HardSigmoidLegacy);

    /// <summary>The canonical config name of <see cref="HardSigmoidLegacy"/>.</summary>
    internal const string LegacyHardSigmoidName = "legacy_hard_sigmoid";
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

    /// <summary>An activation by Keras name, or one registered with <c>Keras.RegisterActivation</c>; <c>null</c> or empty means linear, as in Keras.</summary>
    /// <exception cref="ArgumentException">Unknown name; the message lists the known ones.</exception>
    public static ActivationFunction Get(string? name)
    {
        if (string.IsNullOrEmpty(name)) return Linear;
        if (name == LegacyHardSigmoidName) return HardSigmoidLegacy;
        return All.FirstOrDefault(a => a.Name == name) ?? KerasRegistry.FindActivation(name)
               ?? throw new ArgumentException(
                   $"Could not interpret activation function identifier: {name}. Known: {string.Join(", ", All.Select(a => a.Name))}.", nameof(name));
    }
}
