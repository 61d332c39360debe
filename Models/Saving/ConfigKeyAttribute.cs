namespace TfFunctional.Saving;

/// <summary>
/// The Keras config key of a constructor argument whose C# name does not snake_case to it (<c>beta1</c> ↔
/// <c>beta_1</c>); <c>LayerConfig.Construct</c> reads the argument from that key.
/// </summary>
/// <param name="key">The key Keras writes.</param>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class ConfigKeyAttribute(string key) : Attribute
{
    /// <summary>The key Keras writes.</summary>
    public string Key { get; } = key;
}
