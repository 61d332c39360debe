using TfFunctional.Metrics;

namespace TfFunctional;

/// <summary>One entry of Compile's <c>metrics</c>: a Keras name (a fresh metric per output) or a metric object.</summary>
public sealed class MetricSpec
{
    private MetricSpec(string? name, Metric? metric) => (Name, Instance) = (name, metric);

    /// <summary>The Keras name, when given by name.</summary>
    public string? Name { get; }

    /// <summary>The metric object, when given as one.</summary>
    public Metric? Instance { get; }

    /// <summary>A metric by Keras name (checked at once).</summary>
    public static implicit operator MetricSpec(string name)
    {
        Metric.Get(name);
        return new MetricSpec(name, null);
    }

    /// <summary>A metric object (used as is: it keeps its state).</summary>
    public static implicit operator MetricSpec(Metric metric) => new(null, metric);

    internal Metric Create(bool shared)
    {
        if (Instance is null) return Metric.Get(Name!);
        if (shared)
            throw new ArgumentException(
                $"The metric object '{Instance.Name}' would be shared by several outputs; give it by name, or per output with a dictionary.");
        return Instance;
    }
}
