using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;

namespace TfFunctional.Serving;

/// <summary>One model to serve, as registered with <see cref="ServingEndpoints.AddKerasModel"/>.</summary>
public sealed record ModelRegistration(string Name, string Path, KerasModelOptions Options);

/// <summary>
/// The models being served, by name. All load when the registry is first resolved: resolve it at start-up (as
/// tools/Server does) so that a bad file fails there rather than on the first request.
/// </summary>
public sealed class ModelRegistry : IDisposable
{
    private readonly Dictionary<string, ServedModel> _models;

    /// <summary>Loads every registered model.</summary>
    public ModelRegistry(IEnumerable<ModelRegistration> registrations, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger("TfFunctional.Serving");
        _models = registrations.ToDictionary(r => r.Name, r => new ServedModel(r.Name, r.Path, r.Options, logger));
    }

    /// <summary>The names of the models.</summary>
    public IReadOnlyList<string> Names => _models.Keys.ToArray();

    /// <summary>The model served under <paramref name="name"/>.</summary>
    public bool TryGet(string name, [MaybeNullWhen(false)] out ServedModel model) => _models.TryGetValue(name, out model);

    /// <summary>Stops serving every model.</summary>
    public void Dispose()
    {
        foreach (var model in _models.Values) model.Dispose();
    }
}
