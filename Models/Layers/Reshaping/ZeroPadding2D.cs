namespace TfFunctional.Layers;

/// <summary>Adds rows and columns of zeros around images (Keras default 1 each side).</summary>
public sealed class ZeroPadding2D : SpatialMargins
{
    /// <summary>Creates the layer from an int (all sides) or one int per axis (both sides of it).</summary>
    public ZeroPadding2D(IntOrTuple? padding = null, string? dataFormat = null, string? name = null, ShapeArgument? inputShape = null)
        : base(2, Expand(2, (padding ?? 1).Values, null), dataFormat, false, name, inputShape) { }

    /// <summary>Creates the layer from ((top, bottom), (left, right)).</summary>
    public ZeroPadding2D(int[][] padding, string? dataFormat = null, string? name = null, ShapeArgument? inputShape = null)
        : base(2, Expand(2, null, padding), dataFormat, false, name, inputShape) { }

    /// <summary>Creates the layer from ((top, bottom), (left, right)) as Python writes it: <c>padding: ((1, 0), (2, 1))</c>.</summary>
    public ZeroPadding2D(((int Top, int Bottom) Rows, (int Left, int Right) Columns) padding, string? dataFormat = null, string? name = null, ShapeArgument? inputShape = null)
        : this([[padding.Rows.Top, padding.Rows.Bottom], [padding.Columns.Left, padding.Columns.Right]], dataFormat, name, inputShape) { }

    /// <inheritdoc />
    public override LayerConfig GetConfig() => base.GetConfig().With("padding", Margins).With("data_format", DataFormat);

    /// <summary>Makes the layer from its Keras config: <c>padding</c> is an int, a pair, or ((top, bottom), (left, right)).</summary>
    public static ZeroPadding2D FromConfig(LayerConfig config) => config.GetNode("padding") is System.Text.Json.Nodes.JsonArray pairs && pairs.Any(p => p is System.Text.Json.Nodes.JsonArray)
        ? config.Construct<ZeroPadding2D>(typeof(int[][]))
        : config.Construct<ZeroPadding2D>(typeof(IntOrTuple?));
}
