namespace TfFunctional;

/// <summary>
/// A <c>dtype</c> argument as Keras takes it: a <see cref="TfFunctional.DType"/> or its Keras name
/// (<c>dtype: "int32"</c>, <c>"float32"</c>, <c>"bool"</c>, ...). The default is <c>float32</c>, Keras's <c>floatx</c>.
/// </summary>
public readonly record struct DTypeArgument(DType DType)
{
    /// <summary>The dtype itself.</summary>
    public static implicit operator DTypeArgument(DType dtype) => new(dtype);

    /// <summary>A dtype by its Keras name.</summary>
    /// <exception cref="ArgumentException">Not a dtype Keras knows (the message lists those it does).</exception>
    public static implicit operator DTypeArgument(string name) => new(DTypes.Parse(name ?? throw new ArgumentNullException(nameof(name))));

    /// <summary>The dtype.</summary>
    public static implicit operator DType(DTypeArgument argument) => argument.DType;
}
