namespace TfFunctional.Saving;

/// <summary>A weight read from a file: its values in row-major order and its shape.</summary>
internal sealed record WeightValue(float[] Values, Shape Shape)
{
    /// <summary>The values at (row, column) of a 2-D weight.</summary>
    public float At(int row, int column) => Values[row * Shape[1]!.Value + column];
}
