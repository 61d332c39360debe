using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;

namespace TfFunctional.Serving;

/// <summary>One model to serve, as registered with <see cref="ServingEndpoints.AddKerasModel"/>: a model file, or a base path of numbered version folders.</summary>
public sealed record ModelRegistration(string Name, string Path, KerasModelOptions Options);

/// <summary>
/// The models being served, by name. All load when the registry is first resolved: resolve it at start-up (as
/// tools/Server does) so that a bad file fails there rather than on the first request.
/// </summary>
public sealed class ModelRegistry : IDisposable
{
    private readonly Dictionary<string, ModelVersions> _models;

    /// <summary>Loads every registered model.</summary>
    public ModelRegistry(IEnumerable<ModelRegistration> registrations, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger("TfFunctional.Serving");
        _models = [];
        try
        {
            foreach (var r in registrations) _models.Add(r.Name, new ModelVersions(r.Name, r.Path, r.Options, logger));
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The names of the models.</summary>
    public IReadOnlyList<string> Names => _models.Keys.ToArray();

    /// <summary>The latest version of the model served under <paramref name="name"/>.</summary>
    public bool TryGet(string name, [MaybeNullWhen(false)] out ServedModel model)
    {
        model = _models.TryGetValue(name, out var versions) ? versions.Latest : null;
        return model is not null;
    }

    /// <summary>Whether every model has a version serving (readiness: a base path emptied of versions makes this false).</summary>
    public bool Ready => _models.Values.All(m => m.Latest is not null);

    /// <summary>Every version of the model served under <paramref name="name"/>.</summary>
    public bool TryGetVersions(string name, [MaybeNullWhen(false)] out ModelVersions versions) => _models.TryGetValue(name, out versions);

    /// <summary>
    /// The served version a request names, as TF Serving resolves it: the latest, a version number, or a label.
    /// </summary>
    /// <exception cref="RequestException">404 for a model or version not served, 400 for an unknown label (TF Serving's messages).</exception>
    internal ServedModel Resolve(string name, long? version, string? label)
    {
        if (!_models.TryGetValue(name, out var versions))
            throw new RequestException(404, $"Servable not found for request: {(version is { } v ? $"Specific({name}, {v})" : $"Latest({name})")}");
        if (VersionNamed(versions, version, label) is not { } number)
            return versions.Latest ?? throw new RequestException(404, $"Servable not found for request: Latest({name})");
        return (number is >= 0 and <= int.MaxValue ? versions.Specific((int)number) : null)
            ?? throw new RequestException(404, $"Servable not found for request: Specific({name}, {number})");
    }

    /// <summary>
    /// A model's version statuses as TF Serving's GetModelStatus answers them: every version, or the one a number or a
    /// label names.
    /// </summary>
    /// <exception cref="RequestException">404 for a model or version not known, 400 for an unknown label (TF Serving's messages).</exception>
    internal IReadOnlyList<(int Version, string State, string ErrorCode, string ErrorMessage)> Statuses(string name, long? version, string? label)
    {
        if (!_models.TryGetValue(name, out var versions)) throw new RequestException(404, $"Could not find any versions of model {name}");
        var named = VersionNamed(versions, version, label);
        var statuses = versions.Statuses();
        if (named is not { } number) return statuses;
        var one = statuses.Where(s => s.Version == number).ToArray();
        return one.Length > 0 ? one : throw new RequestException(404, $"Could not find version {number} of model {name}");
    }

    /// <summary>Stops serving every model.</summary>
    public void Dispose()
    {
        foreach (var model in _models.Values) model.Dispose();
    }

    /// <summary>The version a request names: its number, the one its label stands for, or null for the latest.</summary>
    /// <exception cref="RequestException">400 for a label the model does not have (TF Serving's message).</exception>
    private static long? VersionNamed(ModelVersions versions, long? version, string? label) =>
        label is null ? version
        : versions.Options.VersionLabels.TryGetValue(label, out int labelled) ? labelled
        : throw new RequestException(400, $"Unrecognized servable version label: {label}");
}
