namespace TfFunctional;

/// <summary>Element types, named as Keras names them (<c>"float32"</c>, <c>"int32"</c>, …).</summary>
public enum DType
{
    /// <summary>32-bit float, Keras's default <c>floatx</c>.</summary>
    Float32,
    /// <summary>64-bit float.</summary>
    Float64,
    /// <summary>16-bit float.</summary>
    Float16,
    /// <summary>bfloat16.</summary>
    BFloat16,
    /// <summary>32-bit signed integer.</summary>
    Int32,
    /// <summary>64-bit signed integer.</summary>
    Int64,
    /// <summary>16-bit signed integer.</summary>
    Int16,
    /// <summary>8-bit signed integer.</summary>
    Int8,
    /// <summary>8-bit unsigned integer.</summary>
    UInt8,
    /// <summary>Boolean.</summary>
    Bool,
}
