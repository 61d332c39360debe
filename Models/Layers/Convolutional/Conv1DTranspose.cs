using TfFunctional.Activations;
using TfFunctional.Constraints;
using TfFunctional.Initializers;
using TfFunctional.Regularizers;

namespace TfFunctional.Layers;

/// <summary>Transposed convolution over steps, as Keras's Conv1DTranspose.</summary>
public sealed class Conv1DTranspose(int filters, IntOrTuple kernelSize, IntOrTuple? strides = null, string padding = "valid", IntOrTuple? outputPadding = null,
    string? dataFormat = null, IntOrTuple? dilationRate = null, ActivationFunction? activation = null, bool useBias = true,
    Initializer? kernelInitializer = null, Initializer? biasInitializer = null, Regularizer? kernelRegularizer = null,
    Regularizer? biasRegularizer = null, Regularizer? activityRegularizer = null, Constraint? kernelConstraint = null,
    Constraint? biasConstraint = null, string? name = null, bool trainable = true, ShapeArgument? inputShape = null)
    : ConvTranspose(1, filters, kernelSize, strides, padding, outputPadding, dataFormat, dilationRate, activation, useBias, kernelInitializer,
        biasInitializer, kernelRegularizer, biasRegularizer, activityRegularizer, kernelConstraint, biasConstraint, name, trainable, inputShape)
{
    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static Conv1DTranspose FromConfig(LayerConfig config) => config.Construct<Conv1DTranspose>();
}
