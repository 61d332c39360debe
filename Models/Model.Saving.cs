using TfFunctional.Saving;

namespace TfFunctional;

public partial class Model
{
    /// <summary>
    /// Saves architecture and weights: <c>.keras</c> writes Keras 3's format, <c>.h5</c>/<c>.hdf5</c> the legacy HDF5
    /// format, <c>.json</c> a TensorFlow.js layers model (<c>model.json</c> and its shard <c>model.weights.bin</c> beside
    /// it, as <c>tensorflowjs_converter</c> writes). Each file is written to a temporary file first and moved into place.
    /// </summary>
    /// <exception cref="ArgumentException">The extension is none of .keras, .h5, .hdf5 or .json.</exception>
    /// <exception cref="NotSupportedException">The format cannot record the model (an unregistered C# activation or Lambda, Keras 2's hard_sigmoid in <c>.keras</c>, Keras 3's in TF.js); the file is not touched.</exception>
    public void Save(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        ModelFormat.ForSaving(path).Save(this, path);
    }

    /// <summary>Saves the weights alone: <c>.weights.h5</c> in Keras 3's layout, other <c>.h5</c> names in the legacy layout.</summary>
    public void SaveWeights(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        ModelFormat.ForSavingWeights(path).SaveWeights(this, path);
    }

    /// <summary>
    /// Loads weights saved by Keras or by <see cref="SaveWeights"/>: a Keras 3 <c>.weights.h5</c>, a legacy <c>.h5</c>
    /// weights or model file (by layer position, or by name with <paramref name="byName"/>), a <c>.keras</c> archive or a
    /// TF.js <c>model.json</c>. The file's content decides its format.
    /// </summary>
    /// <exception cref="KerasFormatException">The file cannot be read or its weights do not fit the model.</exception>
    public void LoadWeights(string path, bool byName = false, bool skipMismatch = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            ModelFormat.ForReading(path).LoadWeights(this, path, byName, skipMismatch);
        }
        finally
        {
            OnWeightsChanged();
        }
    }

    /// <summary>The architecture as Keras 3's JSON (<c>model.to_json()</c>).</summary>
    public string ToJson() => ModelConfig.Serialize(this, ConfigFormat.Keras3).ToJsonString();
}
