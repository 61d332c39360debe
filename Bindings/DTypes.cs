namespace TfFunctional;

/// <summary>Keras names of <see cref="DType"/> values and their properties.</summary>
public static class DTypes
{
    /// <summary>The Keras name: <c>float32</c>, <c>int64</c>, <c>bool</c>, …</summary>
    public static string KerasName(this DType dtype) => dtype switch
    {
        DType.Float32 => "float32",
        DType.Float64 => "float64",
        DType.Float16 => "float16",
        DType.BFloat16 => "bfloat16",
        DType.Int32 => "int32",
        DType.Int64 => "int64",
        DType.Int16 => "int16",
        DType.Int8 => "int8",
        DType.UInt8 => "uint8",
        DType.Bool => "bool",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };

    /// <summary>Parses a Keras dtype name (<c>"float32"</c>, <c>"int32"</c>, …; also <c>"float"</c>, <c>"double"</c>).</summary>
    /// <exception cref="ArgumentException">The name is not a dtype Keras knows.</exception>
    public static DType Parse(string name) => name switch
    {
        "float32" or "float" => DType.Float32,
        "float64" or "double" => DType.Float64,
        "float16" or "half" => DType.Float16,
        "bfloat16" => DType.BFloat16,
        "int32" => DType.Int32,
        "int64" => DType.Int64,
        "int16" => DType.Int16,
        "int8" => DType.Int8,
        "uint8" => DType.UInt8,
        "bool" => DType.Bool,
        _ => throw new ArgumentException(
            $"Invalid dtype: {name}. Expected one of float32, float64, float16, bfloat16, int32, int64, int16, int8, uint8, bool.", nameof(name)),
    };

    /// <summary>The bytes one element takes.</summary>
    public static int ByteSize(this DType dtype) => dtype switch
    {
        DType.Float64 or DType.Int64 => 8,
        DType.Float32 or DType.Int32 => 4,
        DType.Float16 or DType.BFloat16 or DType.Int16 => 2,
        _ => 1,
    };

    /// <summary>True for the floating-point dtypes.</summary>
    public static bool IsFloating(this DType dtype) =>
        dtype is DType.Float32 or DType.Float64 or DType.Float16 or DType.BFloat16;

    /// <summary>The dtype of a .NET element type.</summary>
    /// <exception cref="ArgumentException">The element type has no dtype.</exception>
    public static DType FromElementType(Type type) =>
        type == typeof(float) ? DType.Float32
        : type == typeof(double) ? DType.Float64
        : type == typeof(Half) ? DType.Float16
        : type == typeof(int) ? DType.Int32
        : type == typeof(long) ? DType.Int64
        : type == typeof(short) ? DType.Int16
        : type == typeof(sbyte) ? DType.Int8
        : type == typeof(byte) ? DType.UInt8
        : type == typeof(bool) ? DType.Bool
        : throw new ArgumentException($"Arrays of {type.Name} cannot be converted to a tensor: use float, double, int, long, short, sbyte, byte or bool.");
}
