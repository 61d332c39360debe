using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using TfFunctional.Layers;

namespace TfFunctional.Saving;

/// <summary>
/// Keras's <c>cls(**config)</c>: calls a class's public constructor with each argument read from the config entry of
/// its snake_case name (<c>useBias</c> ← <c>use_bias</c>), so a missing entry means the constructor's own default and
/// every default is written once, in the signature. Entries no argument takes are refused unless they cannot change
/// what the object computes.
/// </summary>
internal static class ConfigBinder
{
    /// <summary>Entries Keras writes that do not change what a layer computes here, whatever their value.</summary>
    private static readonly HashSet<string> Harmless =
    [
        "name", "trainable", "dtype", "batch_input_shape", "batch_shape", "input_dtype", "input_dim", "input_length",
        "unroll", "implementation", "consume_less", "seed", "synchronized", "autocast", "build_config",
        // Optimizers: exponential moving averages are off unless use_ema is true (refused below when it is).
        "ema_momentum", "ema_overwrite_frequency", "jit_compile", "is_legacy_optimizer",
    ];

    /// <summary>Entries that change nothing when false (their Keras default).</summary>
    private static readonly HashSet<string> HarmlessWhenFalse = ["sparse", "ragged", "time_major", "zero_output_for_mask", "optional", "use_ema"];

    /// <summary>
    /// Entries that change nothing at these values (their JSON text): Keras 3 writes <c>groups: 1</c> for transposed
    /// convolutions, losses their reduction (<c>auto</c> is Keras 2's name for sum_over_batch_size) and axis.
    /// </summary>
    private static readonly Dictionary<string, string[]> HarmlessAt = new()
    {
        ["groups"] = ["1"], ["warmup_steps"] = ["0"], ["reduction"] = ["\"sum_over_batch_size\"", "\"auto\""], ["axis"] = ["-1"],
    };

    private sealed record Binding(ConstructorInfo Constructor, ParameterInfo[] Parameters, string[] Keys);

    private static readonly ConcurrentDictionary<(Type, Type?), Binding> Bindings = new();

    public static object Construct(Type type, LayerConfig config, Type? firstArgument)
    {
        var binding = Bindings.GetOrAdd((type, firstArgument), key => Bind(key.Item1, key.Item2));
        var arguments = new object?[binding.Parameters.Length];
        var used = new HashSet<string> { "name", "trainable" };
        for (int i = 0; i < arguments.Length; i++)
        {
            var parameter = binding.Parameters[i];
            string key = binding.Keys[i];
            arguments[i] = parameter.Name switch
            {
                "name" => config.Name,
                // Keras's Layer takes batch_input_shape in place of input_shape and batch_size.
                "inputShape" when config.GetNode("batch_input_shape") is JsonArray => new ShapeArgument(config.Get<int?[]>("batch_input_shape")[1..]),
                "batchSize" when config.GetNode("batch_input_shape") is JsonArray => config.Get<int?[]>("batch_input_shape")[0],
                _ when config.Has(key) && config.GetNode(key) is not null => config.Get(parameter.ParameterType, key),
                _ when parameter.IsDefined(typeof(ParamArrayAttribute)) => Array.CreateInstance(parameter.ParameterType.GetElementType()!, 0),
                _ when parameter.HasDefaultValue => parameter.ParameterType.IsEnum ? Enum.ToObject(parameter.ParameterType, parameter.DefaultValue!) : parameter.DefaultValue,
                _ when Nullable.GetUnderlyingType(parameter.ParameterType) is not null || !parameter.ParameterType.IsValueType && IsNullable(parameter) => null,
                _ => throw new KerasFormatException($"{config.Owner}: config entry '{key}' is missing."),
            };
            used.Add(key);
        }
        foreach (var (key, value) in config.Json)
        {
            if (used.Contains(key) || Harmless.Contains(key) || value is null) continue;
            if (HarmlessWhenFalse.Contains(key) && value.GetValueKind() == JsonValueKind.False) continue;
            if (HarmlessAt.TryGetValue(key, out var harmless) && harmless.Contains(value.ToJsonString())) continue;
            throw new KerasFormatException(
                $"{config.Owner}: config entry '{key}' ({LayerConfig.Shorten(value)}) is not an argument TfFunctional's {type.Name} takes, and ignoring it would change what the layer computes.");
        }
        object made;
        try
        {
            made = binding.Constructor.Invoke(arguments);
        }
        catch (TargetInvocationException e) when (e.InnerException is ArgumentException argument)
        {
            string key = argument.ParamName is { } parameter ? Snake(parameter) : "?";
            throw new KerasFormatException($"{config.Owner}: config entry '{key}' is refused: {Reason(argument)}", argument);
        }
        catch (TargetInvocationException e) when (e.InnerException is KerasFormatException inner)
        {
            throw inner;
        }
        catch (TargetInvocationException e)
        {
            var inner = e.InnerException ?? e;
            throw new KerasFormatException($"{config.Owner}: cannot be made from its config: {inner.Message}", inner);
        }
        return made;
    }

    private static bool IsNullable(ParameterInfo parameter) =>
        new NullabilityInfoContext().Create(parameter).WriteState == NullabilityState.Nullable;

    private static Binding Bind(Type type, Type? firstArgument)
    {
        var constructors = type.GetConstructors(BindingFlags.Public | BindingFlags.Instance)
            .Where(c => c.GetParameters().All(p => !typeof(Delegate).IsAssignableFrom(p.ParameterType)))
            .Where(c => firstArgument is null || c.GetParameters().FirstOrDefault()?.ParameterType == firstArgument)
            .OrderByDescending(c => c.GetParameters().Length)
            .ToArray();
        var constructor = constructors.FirstOrDefault()
            ?? throw new InvalidOperationException($"{type.Name} has no public constructor that a config can call.");
        var parameters = constructor.GetParameters();
        return new Binding(constructor, parameters,
            parameters.Select(p => p.GetCustomAttribute<ConfigKeyAttribute>()?.Key ?? Snake(p.Name!)).ToArray());
    }

    /// <summary>An argument error's message without the " (Parameter 'x')" .NET appends: the config entry is named instead.</summary>
    internal static string Reason(ArgumentException error) =>
        error.ParamName is null ? error.Message : error.Message.Replace($" (Parameter '{error.ParamName}')", "");

    /// <summary><c>useBias</c> → <c>use_bias</c>, <c>kernelSize</c> → <c>kernel_size</c>.</summary>
    internal static string Snake(string name)
    {
        var builder = new System.Text.StringBuilder(name.Length + 4);
        foreach (char c in name)
        {
            if (char.IsUpper(c))
            {
                if (builder.Length > 0) builder.Append('_');
                builder.Append(char.ToLowerInvariant(c));
            }
            else builder.Append(c);
        }
        return builder.ToString();
    }
}
