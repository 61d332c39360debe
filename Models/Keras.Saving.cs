using System.Text.Json;
using System.Text.Json.Nodes;
using TfFunctional.Layers;
using TfFunctional.Saving;

namespace TfFunctional;

public static partial class Keras
{
    /// <summary>
    /// Loads a model saved by Keras or by <see cref="Model.Save"/>: <c>.keras</c> (Keras 3) or legacy <c>.h5</c>
    /// (Keras 1, 2 and tf.keras), architecture and weights. The content decides: a legacy HDF5 file saved under a
    /// <c>.keras</c> name (tf.keras allowed it) loads as HDF5. A <c>model.json</c> is a TensorFlow.js layers model.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="compile">Also restore <c>Compile</c> (optimizer, losses, metrics) from the training configuration the file holds.</param>
    /// <param name="maxWeightBytes">The most bytes of weights the file may make the model hold (a file from elsewhere, a
    /// server's budget); by default the machine's memory bounds it. A file that needs more is refused before the weights exist.</param>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="KerasFormatException">The file cannot be read; the message names the file and the entry.</exception>
    public static Model LoadModel(string path, bool compile = false, long? maxWeightBytes = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (maxWeightBytes <= 0)
            throw new ArgumentOutOfRangeException(nameof(maxWeightBytes), $"maxWeightBytes must be positive. Received: maxWeightBytes={maxWeightBytes}");
        var format = ModelFormat.ForReading(path);
        var file = Layer.WithWeightBytesLimit(maxWeightBytes, () => format.ReadModel(path, withTrainingConfig: compile));
        var model = file.Model;
        if (compile && file.TrainingConfigJson is { } text)
        {
            string fileName = Path.GetFileName(path);
            try
            {
                if (KerasFiles.Guard(fileName, () => JsonNode.Parse(text)) is JsonObject trainingConfig)
                    CompileConfig.Apply(model, trainingConfig, fileName);
            }
            catch
            {
                model.Dispose();
                throw;
            }
        }
        return model;
    }

    /// <summary>A model (with fresh weights) from the JSON of <c>model.to_json()</c>, Keras 3 or 2.</summary>
    /// <exception cref="KerasFormatException">The JSON is not a model config.</exception>
    public static Model ModelFromJson(string json)
    {
        JsonObject config;
        try
        {
            config = JsonNode.Parse(json) as JsonObject ?? throw new KerasFormatException("The JSON is not an object.");
        }
        catch (JsonException e)
        {
            throw new KerasFormatException($"The JSON cannot be parsed: {e.Message}", e);
        }
        string version = config["keras_version"]?.GetValue<string>() ?? (config.ContainsKey("module") ? "3" : "2");
        return ModelLoader.Load(config, new LoadOptions(version));
    }

    /// <summary>
    /// Registers a layer class of your own so that files using it load: <paramref name="factory"/> makes it from its
    /// config (typically the class's own <c>FromConfig</c>, which can be <c>config.Construct&lt;MyLayer&gt;()</c>).
    /// The name is the <c>class_name</c> (or Keras 3 <c>registered_name</c>, <c>"package&gt;MyLayer"</c>) the file carries.
    /// </summary>
    /// <exception cref="ArgumentException">An empty name.</exception>
    public static void RegisterLayer(string className, Func<LayerConfig, Layer> factory) =>
        KerasRegistry.Register(typeof(Layer), className, factory);

    /// <summary>Registers an initializer class of your own under the <c>class_name</c> files carry.</summary>
    public static void RegisterInitializer(string className, Func<LayerConfig, Initializers.Initializer> factory) =>
        KerasRegistry.Register(typeof(Initializers.Initializer), className, factory);

    /// <summary>Registers a regularizer class of your own under the <c>class_name</c> files carry.</summary>
    public static void RegisterRegularizer(string className, Func<LayerConfig, Regularizers.Regularizer> factory) =>
        KerasRegistry.Register(typeof(Regularizers.Regularizer), className, factory);

    /// <summary>Registers a constraint class of your own under the <c>class_name</c> files carry.</summary>
    public static void RegisterConstraint(string className, Func<LayerConfig, Constraints.Constraint> factory) =>
        KerasRegistry.Register(typeof(Constraints.Constraint), className, factory);

    /// <summary>
    /// Registers an activation function under a name, as Keras's <c>register_keras_serializable</c>: layers that use it
    /// (by the name or by the returned object, or by passing <paramref name="function"/> itself) save under that name,
    /// and files that name it load. An unregistered C# function cannot be saved.
    /// </summary>
    /// <returns>The activation, to pass as <c>activation:</c>.</returns>
    /// <exception cref="ArgumentException">An empty name or the name of a built-in activation.</exception>
    public static Activations.ActivationFunction RegisterActivation(string name, Func<Tensor, Tensor> function) =>
        KerasRegistry.RegisterActivation(name, function);
}
