using System.Text.Json.Nodes;
using TfFunctional.Initializers;
using TfFunctional.Layers;

namespace TfFunctional.Saving;

/// <summary>
/// Makes layers from their Keras configs (Keras 3, 2 and 1 keys), and holds the user's registered layer classes.
/// </summary>
internal static class LayerFactory
{
    private static readonly Dictionary<string, Func<LayerConfig, Layer>> Custom = [];

    private static readonly Dictionary<string, Func<ConfigReader, Layer>> BuiltIn = new()
    {
        ["Dense"] = c => new Dense(c.Required("units", "output_dim"), c.Activation("activation", "linear"), c.Bool("use_bias", true, "bias"),
            c.Initializer("kernel_initializer", new GlorotUniform(), "init"), c.Initializer("bias_initializer", new Zeros()),
            c.Regularizer("kernel_regularizer", "W_regularizer"), c.Regularizer("bias_regularizer", "b_regularizer"),
            c.Regularizer("activity_regularizer"), c.Constraint("kernel_constraint", "W_constraint"), c.Constraint("bias_constraint", "b_constraint"),
            c.Name, c.Trainable),
        ["Activation"] = c => new Activation(c.Activation("activation", "linear"), c.Name),
        ["Dropout"] = c => new Dropout(c.Double("rate", 0, "p"), c.Ints("noise_shape"), c.OptionalInt("seed"), c.Name),
        ["Flatten"] = c => new Flatten(c.String("data_format") ?? "channels_last", c.Name),
        ["Reshape"] = c => new Reshape(c.Ints("target_shape") ?? throw Missing(c, "target_shape"), c.Name),
        ["Permute"] = c => new Permute(c.Ints("dims") ?? throw Missing(c, "dims"), c.Name),
        ["RepeatVector"] = c => new RepeatVector(c.Required("n"), c.Name),
        ["Concatenate"] = c => new Concatenate(c.Int("axis", -1, "concat_axis"), c.Name),
        ["Add"] = c => new Add(c.Name),
        ["Subtract"] = c => new Subtract(c.Name),
        ["Multiply"] = c => new Multiply(c.Name),
        ["Average"] = c => new Average(c.Name),
        ["Maximum"] = c => new Maximum(c.Name),
        ["Minimum"] = c => new Minimum(c.Name),
        ["Dot"] = c => new Dot(c.Ints("axes") is { Length: 2 } axes ? axes : [c.Ints("axes")?[0] ?? -1, c.Ints("axes")?[0] ?? -1], c.Bool("normalize", false), c.Name),
        ["Merge"] = c => new Merge(c.String("mode") ?? "sum", c.Int("concat_axis", -1), c.Ints("dot_axes")?[0] ?? -1, c.Name),
        ["Embedding"] = c => new Embedding(c.Required("input_dim"), c.Required("output_dim"),
            c.Initializer("embeddings_initializer", new RandomUniform(), "init"), c.Regularizer("embeddings_regularizer", "W_regularizer"),
            c.Regularizer("activity_regularizer"), c.Constraint("embeddings_constraint", "W_constraint"), c.Bool("mask_zero", false),
            c.OptionalInt("input_length"), c.Name, c.Trainable),
        ["Masking"] = c => new Masking(c.Double("mask_value", 0), c.Name),
        ["LSTM"] = c => new LSTM(c.Required("units", "output_dim"), c.Activation("activation", "tanh"),
            c.Activation("recurrent_activation", c.Options.KerasMajor < 3 ? "hard_sigmoid" : "sigmoid", "inner_activation"),
            c.Bool("use_bias", true), c.Initializer("kernel_initializer", new GlorotUniform(), "init"),
            c.Initializer("recurrent_initializer", new Orthogonal(), "inner_init"), c.Initializer("bias_initializer", new Zeros()),
            c.Bool("unit_forget_bias", true) || c.String("forget_bias_init") == "one",
            c.Regularizer("kernel_regularizer", "W_regularizer"), c.Regularizer("recurrent_regularizer", "U_regularizer"),
            c.Regularizer("bias_regularizer", "b_regularizer"), c.Constraint("kernel_constraint"), c.Constraint("recurrent_constraint"),
            c.Constraint("bias_constraint"), c.Double("dropout", 0, "dropout_W"), c.Double("recurrent_dropout", 0, "dropout_U"),
            c.Bool("return_sequences", false), c.Bool("return_state", false), c.Bool("go_backwards", false), c.Bool("stateful", false),
            c.Name, c.Trainable),
        ["GRU"] = c => new GRU(c.Required("units", "output_dim"), c.Activation("activation", "tanh"),
            c.Activation("recurrent_activation", c.Options.KerasMajor < 3 ? "hard_sigmoid" : "sigmoid", "inner_activation"),
            c.Bool("use_bias", true), c.Initializer("kernel_initializer", new GlorotUniform(), "init"),
            c.Initializer("recurrent_initializer", new Orthogonal(), "inner_init"), c.Initializer("bias_initializer", new Zeros()),
            c.Regularizer("kernel_regularizer", "W_regularizer"), c.Regularizer("recurrent_regularizer", "U_regularizer"),
            c.Regularizer("bias_regularizer", "b_regularizer"), c.Constraint("kernel_constraint"), c.Constraint("recurrent_constraint"),
            c.Constraint("bias_constraint"), c.Double("dropout", 0, "dropout_W"), c.Double("recurrent_dropout", 0, "dropout_U"),
            c.Bool("return_sequences", false), c.Bool("return_state", false), c.Bool("go_backwards", false), c.Bool("stateful", false),
            // A config without reset_after predates Keras 2.3 (or is TF.js): the reset gate applies before the matmul.
            c.Bool("reset_after", false), c.Name, c.Trainable),
        ["SimpleRNN"] = c => new SimpleRNN(c.Required("units", "output_dim"), c.Activation("activation", "tanh"),
            c.Bool("use_bias", true), c.Initializer("kernel_initializer", new GlorotUniform(), "init"),
            c.Initializer("recurrent_initializer", new Orthogonal(), "inner_init"), c.Initializer("bias_initializer", new Zeros()),
            c.Regularizer("kernel_regularizer", "W_regularizer"), c.Regularizer("recurrent_regularizer", "U_regularizer"),
            c.Regularizer("bias_regularizer", "b_regularizer"), c.Constraint("kernel_constraint"), c.Constraint("recurrent_constraint"),
            c.Constraint("bias_constraint"), c.Double("dropout", 0, "dropout_W"), c.Double("recurrent_dropout", 0, "dropout_U"),
            c.Bool("return_sequences", false), c.Bool("return_state", false), c.Bool("go_backwards", false), c.Bool("stateful", false),
            c.Name, c.Trainable),
    };

    /// <summary>Registers a user layer class under the class name its Keras config carries.</summary>
    public static void Register(string className, Func<LayerConfig, Layer> factory)
    {
        lock (Custom) Custom[className] = factory;
    }

    /// <summary>True when a layer of this class name can be made.</summary>
    public static bool IsKnown(string className)
    {
        lock (Custom)
            return Custom.ContainsKey(className) || BuiltIn.ContainsKey(className)
                   || className is "InputLayer" or "Functional" or "Model" or "Sequential";
    }

    /// <summary>Makes one (non-model) layer from its class name and config.</summary>
    public static Layer Create(string className, JsonObject config, LoadOptions options)
    {
        Func<LayerConfig, Layer>? custom;
        lock (Custom) Custom.TryGetValue(className, out custom);
        if (custom is not null) return custom(new LayerConfig(config));
        if (className == "Lambda")
            throw new KerasFormatException(
                $"Layer '{config["name"]}' is a Lambda layer: it holds Python code, which cannot run here. Replace it with a C# layer registered " +
                "under the name \"Lambda\" with Keras.RegisterLayer(\"Lambda\", config => ...).");
        if (!BuiltIn.TryGetValue(className, out var factory))
            throw new KerasFormatException(UnknownClassMessage([className]));
        try
        {
            return factory(new ConfigReader(className, config, options));
        }
        catch (ArgumentException e)
        {
            throw new KerasFormatException($"Layer '{config["name"]}' ({className}): {e.Message}", e);
        }
    }

    /// <summary>The message for classes we do not know, listing every one at once.</summary>
    public static string UnknownClassMessage(IEnumerable<string> classNames) =>
        $"Unknown layer class(es): {string.Join(", ", classNames.Distinct().Order())}. " +
        "They are not built in: register each with Keras.RegisterLayer(\"ClassName\", config => new MyLayer(...)) before loading.";

    private static KerasFormatException Missing(ConfigReader c, string key) =>
        new($"Layer '{c.Name}' ({c.ClassName}): config entry '{key}' is missing.");
}
