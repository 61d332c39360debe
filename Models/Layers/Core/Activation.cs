using TfFunctional.Activations;

namespace TfFunctional.Layers;

/// <summary>Applies an activation function to its input (<c>Activation("relu")</c>).</summary>
public sealed class Activation : Layer
{
    /// <summary>Creates the layer.</summary>
    public Activation(ActivationFunction activation, string? name = null, ShapeArgument? inputShape = null)
        : base(name, inputShape: inputShape)
    {
        Function = activation ?? throw new ArgumentNullException(nameof(activation));
    }

    /// <summary>The function applied.</summary>
    public ActivationFunction Function { get; }

    /// <inheritdoc />
    public override bool SupportsMasking => true;

    /// <inheritdoc />
    protected override bool RequiresFloatInputs => !Function.IsLinear;

    /// <inheritdoc />
    protected override Tensor CallCore(Tensor inputs, CallContext context) => Function.Apply(inputs);

    /// <inheritdoc />
    public override LayerConfig GetConfig() => base.GetConfig().With("activation", Function);

    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static Activation FromConfig(LayerConfig config) => config.Construct<Activation>();
}
