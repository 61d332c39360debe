namespace TfFunctional.Layers;

/// <summary>Removes rows and columns from the sides of images (Keras default none).</summary>
public sealed class Cropping2D : SpatialMargins
{
    /// <summary>Creates the layer from an int (all sides) or one int per axis (both sides of it).</summary>
    public Cropping2D(IntOrTuple? cropping = null, string? dataFormat = null, string? name = null, ShapeArgument? inputShape = null)
        : base(2, Expand(2, (cropping ?? 0).Values, null), dataFormat, true, name, inputShape) { }

    /// <summary>Creates the layer from ((top, bottom), (left, right)).</summary>
    public Cropping2D(int[][] cropping, string? dataFormat = null, string? name = null, ShapeArgument? inputShape = null)
        : base(2, Expand(2, null, cropping), dataFormat, true, name, inputShape) { }

    /// <summary>Creates the layer from ((top, bottom), (left, right)) as Python writes it: <c>cropping: ((1, 0), (2, 1))</c>.</summary>
    public Cropping2D(((int Top, int Bottom) Rows, (int Left, int Right) Columns) cropping, string? dataFormat = null, string? name = null, ShapeArgument? inputShape = null)
        : this([[cropping.Rows.Top, cropping.Rows.Bottom], [cropping.Columns.Left, cropping.Columns.Right]], dataFormat, name, inputShape) { }

    /// <inheritdoc />
    public override LayerConfig GetConfig() => base.GetConfig().With("cropping", Margins).With("data_format", DataFormat);

    /// <summary>Makes the layer from its Keras config: <c>cropping</c> is an int, a pair, or ((top, bottom), (left, right)).</summary>
    public static Cropping2D FromConfig(LayerConfig config) => config.GetNode("cropping") is System.Text.Json.Nodes.JsonArray pairs && pairs.Any(p => p is System.Text.Json.Nodes.JsonArray)
        ? config.Construct<Cropping2D>(typeof(int[][]))
        : config.Construct<Cropping2D>(typeof(IntOrTuple?));
}
