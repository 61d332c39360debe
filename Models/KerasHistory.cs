using TfFunctional.Layers;

namespace TfFunctional;

/// <summary>Where a <see cref="KerasTensor"/> comes from: the layer, the index of its call (node) and of the output.</summary>
public sealed record KerasHistory(Layer Layer, int NodeIndex, int TensorIndex);
