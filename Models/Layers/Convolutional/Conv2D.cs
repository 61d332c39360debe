using TfFunctional.Activations;
using TfFunctional.Constraints;
using TfFunctional.Initializers;
using TfFunctional.Regularizers;

namespace TfFunctional.Layers;

/// <summary>2-D convolution, as Keras's Conv2D (inputs (batch, rows, cols, channels) by default).</summary>
public sealed class Conv2D(int filters, IntOrTuple kernelSize, IntOrTuple? strides = null, string padding = "valid",
    string? dataFormat = null, IntOrTuple? dilationRate = null, int groups = 1, ActivationFunction? activation = null,
    bool useBias = true, Initializer? kernelInitializer = null, Initializer? biasInitializer = null,
    Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null, Regularizer? activityRegularizer = null,
    Constraint? kernelConstraint = null, Constraint? biasConstraint = null, string? name = null, bool trainable = true,
    ShapeArgument? inputShape = null)
    : Conv(2, filters, kernelSize, strides, padding, dataFormat, dilationRate, groups, activation, useBias, kernelInitializer,
        biasInitializer, kernelRegularizer, biasRegularizer, activityRegularizer, kernelConstraint, biasConstraint, name, trainable, inputShape)
{
    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static Conv2D FromConfig(LayerConfig config) => config.Construct<Conv2D>();
}
