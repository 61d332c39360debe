using System.Text.Json.Nodes;
using PureHDF;
using TfFunctional.Saving;

namespace TfFunctional;

public partial class Model
{
    /// <summary>
    /// Saves architecture and weights: <c>.keras</c> writes Keras 3's format, <c>.h5</c>/<c>.hdf5</c> the legacy HDF5
    /// format, <c>.json</c> a TensorFlow.js layers model (<c>model.json</c> and its shard <c>model.weights.bin</c> beside
    /// it, as <c>tensorflowjs_converter</c> writes). Each file is written to a temporary file first and moved into place.
    /// </summary>
    /// <exception cref="ArgumentException">The extension is neither .keras nor .h5.</exception>
    /// <exception cref="NotSupportedException">The format cannot record the model (an unregistered C# activation or Lambda, Keras 2's hard_sigmoid in <c>.keras</c>, Keras 3's in TF.js); the file is not touched.</exception>
    public void Save(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.EndsWith(".keras", StringComparison.OrdinalIgnoreCase))
        {
            ModelConfig.EnsureExpressible(this, ConfigFormat.Keras3, ".keras");
            AtomicFile.Write(path, stream => KerasArchive.Write(this, stream));
        }
        else if (path.EndsWith(".h5", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".hdf5", StringComparison.OrdinalIgnoreCase))
        {
            ModelConfig.EnsureExpressible(this, ConfigFormat.Keras2, ".h5");
            LegacyH5File.VersionFor(this);
            AtomicFile.Write(path, stream => LegacyH5File.WriteModel(this, stream));
        }
        else if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            ModelConfig.EnsureExpressible(this, ConfigFormat.Keras2, "TF.js model.json");
            TfJsModel.EnsureExpressible(this);
            TfJsModel.Write(this, path);
        }
        else
            throw new ArgumentException(
                $"Invalid filepath extension for saving. Please add either a `.keras` extension for the native Keras format (recommended) or a `.h5` extension (or `.json` for a TensorFlow.js layers model). Received: filepath={path}", nameof(path));
    }

    /// <summary>Saves the weights alone: <c>.weights.h5</c> in Keras 3's layout, other <c>.h5</c> names in the legacy layout.</summary>
    public void SaveWeights(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.EndsWith(".weights.h5", StringComparison.OrdinalIgnoreCase))
            AtomicFile.Write(path, stream => KerasWeightsFile.Write(this, stream));
        else if (path.EndsWith(".h5", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".hdf5", StringComparison.OrdinalIgnoreCase))
            AtomicFile.Write(path, stream => LegacyH5File.WriteWeights(this, stream));
        else
            throw new ArgumentException($"The filename must end in `.weights.h5` (or `.h5` for the legacy layout). Received: filepath={path}", nameof(path));
    }

    /// <summary>
    /// Loads weights saved by Keras or by <see cref="SaveWeights"/>: a Keras 3 <c>.weights.h5</c>, a legacy <c>.h5</c>
    /// weights or model file (by layer position, or by name with <paramref name="byName"/>), or a <c>.keras</c> archive.
    /// </summary>
    /// <exception cref="KerasFormatException">The file cannot be read or its weights do not fit the model.</exception>
    public void LoadWeights(string path, bool byName = false, bool skipMismatch = false)
    {
        try
        {
            LoadWeightsFrom(path, byName, skipMismatch);
        }
        finally
        {
            OnWeightsChanged();
        }
    }

    private void LoadWeightsFrom(string path, bool byName, bool skipMismatch)
    {
        string fileName = Path.GetFileName(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"No such file: {path}", path);
        if (path.EndsWith(".keras", StringComparison.OrdinalIgnoreCase))
        {
            using var archive = File.OpenRead(path);
            var loaded = KerasFiles.Guard(fileName, () => KerasArchive.Read(archive, fileName));
            try
            {
                SetWeights(loaded.GetWeights());
            }
            finally
            {
                loaded.Dispose();   // the second model was only a carrier of the file's weights
            }
            return;
        }
        using var file = KerasFiles.OpenHdf5(path);
        if (file.LinkExists("layers") || file.LinkExists("vars") && !file.AttributeExists("layer_names"))
        {
            using var stream = File.OpenRead(path);
            KerasWeightsFile.Read(this, stream, fileName);
            return;
        }
        var (_, options) = LegacyH5File.ReadHeader(file);
        var group = file.LinkExists("model_weights") ? file.Group("model_weights") : file;
        KerasFiles.Guard(fileName, () => LegacyH5File.ReadWeights(this, group, options, fileName, byName, skipMismatch));
    }

    /// <summary>The architecture as Keras 3's JSON (<c>model.to_json()</c>).</summary>
    public string ToJson() => ModelConfig.Serialize(this, ConfigFormat.Keras3).ToJsonString();
}
