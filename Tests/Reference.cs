namespace TfFunctional.Tests;

/// <summary>Naive double-precision computations, written independently of the library, to check its numbers.</summary>
internal static class Reference
{
    /// <summary>x (n, in) · kernel (in, out) + bias, then <paramref name="activation"/>.</summary>
    public static double[,] Dense(double[,] x, float[,] kernel, float[] bias, Func<double, double>? activation = null)
    {
        int n = x.GetLength(0), inputs = kernel.GetLength(0), units = kernel.GetLength(1);
        var y = new double[n, units];
        for (int i = 0; i < n; i++)
            for (int u = 0; u < units; u++)
            {
                double sum = bias[u];
                for (int k = 0; k < inputs; k++) sum += x[i, k] * kernel[k, u];
                y[i, u] = activation is null ? sum : activation(sum);
            }
        return y;
    }

    public static double[,] SoftmaxRows(double[,] x)
    {
        int n = x.GetLength(0), m = x.GetLength(1);
        var y = new double[n, m];
        for (int i = 0; i < n; i++)
        {
            double max = double.NegativeInfinity;
            for (int j = 0; j < m; j++) max = Math.Max(max, x[i, j]);
            double sum = 0;
            for (int j = 0; j < m; j++) sum += y[i, j] = Math.Exp(x[i, j] - max);
            for (int j = 0; j < m; j++) y[i, j] /= sum;
        }
        return y;
    }

    public static double Relu(double v) => Math.Max(v, 0);

    public static double[,] ToDouble(float[,] x)
    {
        var y = new double[x.GetLength(0), x.GetLength(1)];
        for (int i = 0; i < x.GetLength(0); i++)
            for (int j = 0; j < x.GetLength(1); j++) y[i, j] = x[i, j];
        return y;
    }

    public static double[] Flatten(double[,] x) => x.Cast<double>().ToArray();

    /// <summary>Deterministic pseudo-random floats in [-1, 1) (a fixed LCG, so tests need no global seed).</summary>
    public static float[,] Matrix(int rows, int columns, int seed)
    {
        var m = new float[rows, columns];
        uint state = (uint)seed * 2654435761u + 1;
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < columns; j++)
            {
                state = state * 1664525u + 1013904223u;
                m[i, j] = (state >> 8) / (float)(1 << 24) * 2 - 1;
            }
        return m;
    }

    public static float[] Vector(int length, int seed)
    {
        var m = Matrix(1, length, seed);
        return Enumerable.Range(0, length).Select(j => m[0, j]).ToArray();
    }
}
