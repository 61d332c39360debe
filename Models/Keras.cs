using TfFunctional.Layers;

namespace TfFunctional;

/// <summary>The entry points of the Keras API: <c>Keras.Input</c>, <c>Keras.Layers.Concatenate(...)</c>, <c>Keras.ClearSession()</c>.</summary>
public static partial class Keras
{
    /// <summary>
    /// Creates a symbolic input of <paramref name="shape"/> (without the batch dimension), as <c>keras.Input</c>: a
    /// tuple as written (<c>shape: (28, 28, 1)</c>), a list (<c>shape: [784]</c>), or an <c>int[]</c>/<c>int?[]</c>/list
    /// (see <see cref="ShapeArgument"/>); <paramref name="dtype"/> as a <see cref="DType"/> or by name (<c>dtype: "int32"</c>), float32 by default.
    /// </summary>
    public static KerasTensor Input(ShapeArgument shape, DTypeArgument dtype = default, string? name = null, int? batchSize = null) =>
        new InputLayer(shape, batchSize, dtype, name).Tensor;

    /// <summary>Resets the automatic layer names, so the next Dense is <c>dense</c> again.</summary>
    public static void ClearSession() => Naming.Reset();

    /// <summary>Keras's utilities: <c>Keras.Utils.PlotModel(...)</c>, <c>Keras.Utils.ModelToDot(...)</c>.</summary>
    public static class Utils
    {
        /// <summary><c>keras.utils.plot_model</c>: draws the model through Graphviz to PNG, SVG, PDF (or writes .dot).</summary>
        public static void PlotModel(Model model, string toFile = "model.png", bool showShapes = false, bool showDtype = false,
            bool showLayerNames = true, string rankdir = "TB", bool expandNested = false, int dpi = 96, bool showLayerActivations = false,
            bool showTrainable = false) =>
            TfFunctional.Utils.ModelPlot.Plot(model, toFile, showShapes, showDtype, showLayerNames, rankdir, expandNested, dpi, showLayerActivations, showTrainable);

        /// <summary>
        /// <c>keras.utils.set_random_seed</c>: seeds initializers, dropout, noise and <c>Fit</c>'s shuffling, so that a
        /// program run twice gives the same numbers.
        /// </summary>
        public static void SetRandomSeed(int seed) => Ops.SetRandomSeed(seed);

        /// <summary><c>keras.utils.model_to_dot</c>: the DOT text of the model.</summary>
        public static string ModelToDot(Model model, bool showShapes = false, bool showDtype = false, bool showLayerNames = true,
            string rankdir = "TB", bool expandNested = false, int dpi = 96, bool showLayerActivations = false, bool showTrainable = false) =>
            TfFunctional.Utils.ModelPlot.ToDot(model, showShapes, showDtype, showLayerNames, rankdir, expandNested, dpi, showLayerActivations, showTrainable);
    }

    /// <summary>Keras's lower-case layer functions: each makes the layer and calls it at once.</summary>
    public static class Layers
    {
        /// <summary><c>keras.layers.concatenate</c>.</summary>
        public static KerasTensor Concatenate(IReadOnlyList<KerasTensor> tensors, int axis = -1, string? name = null) =>
            new Concatenate(axis, name).Call(tensors);

        /// <summary><c>keras.layers.add</c>.</summary>
        public static KerasTensor Add(IReadOnlyList<KerasTensor> tensors, string? name = null) => new Add(name).Call(tensors);

        /// <summary><c>keras.layers.subtract</c>.</summary>
        public static KerasTensor Subtract(IReadOnlyList<KerasTensor> tensors, string? name = null) => new Subtract(name).Call(tensors);

        /// <summary><c>keras.layers.multiply</c>.</summary>
        public static KerasTensor Multiply(IReadOnlyList<KerasTensor> tensors, string? name = null) => new Multiply(name).Call(tensors);

        /// <summary><c>keras.layers.average</c>.</summary>
        public static KerasTensor Average(IReadOnlyList<KerasTensor> tensors, string? name = null) => new Average(name).Call(tensors);

        /// <summary><c>keras.layers.maximum</c>.</summary>
        public static KerasTensor Maximum(IReadOnlyList<KerasTensor> tensors, string? name = null) => new Maximum(name).Call(tensors);

        /// <summary><c>keras.layers.minimum</c>.</summary>
        public static KerasTensor Minimum(IReadOnlyList<KerasTensor> tensors, string? name = null) => new Minimum(name).Call(tensors);

        /// <summary><c>keras.layers.dot</c> with one axis for both inputs.</summary>
        public static KerasTensor Dot(IReadOnlyList<KerasTensor> tensors, int axes, bool normalize = false, string? name = null) =>
            new Dot(axes, normalize, name).Call(tensors);

        /// <summary><c>keras.layers.dot</c> with an axis per input.</summary>
        public static KerasTensor Dot(IReadOnlyList<KerasTensor> tensors, int[] axes, bool normalize = false, string? name = null) =>
            new Dot(axes, normalize, name).Call(tensors);

        /// <summary>Keras 1's <c>merge(inputs, mode=...)</c>.</summary>
        public static KerasTensor Merge(IReadOnlyList<KerasTensor> tensors, string mode = "sum", int concatAxis = -1, int dotAxes = -1, string? name = null) =>
            new Merge(mode, concatAxis, dotAxes, name).Call(tensors);
    }
}
