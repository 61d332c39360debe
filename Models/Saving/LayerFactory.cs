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
        ["Convolution1D"] = c => BuiltIn!["Conv1D"](c),
        ["Convolution2D"] = c => BuiltIn!["Conv2D"](c),
        ["Convolution3D"] = c => BuiltIn!["Conv3D"](c),
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
        ["Conv1D"] = c => new Conv1D(c.Required("filters", "nb_filter"), KernelSize(c, 1), c.Ints("strides", "subsample_length", "subsample") ?? [1],
            Padding(c), DataFormat(c), c.Ints("dilation_rate") ?? [1], c.Int("groups", 1), c.Activation("activation", "linear"),
            c.Bool("use_bias", true, "bias"), c.Initializer("kernel_initializer", new GlorotUniform(), "init"), c.Initializer("bias_initializer", new Zeros()),
            c.Regularizer("kernel_regularizer", "W_regularizer"), c.Regularizer("bias_regularizer", "b_regularizer"), c.Regularizer("activity_regularizer"),
            c.Constraint("kernel_constraint", "W_constraint"), c.Constraint("bias_constraint", "b_constraint"), c.Name, c.Trainable),
        ["Conv2D"] = c => new Conv2D(c.Required("filters", "nb_filter"), KernelSize(c, 2), c.Ints("strides", "subsample") ?? [1],
            Padding(c), DataFormat(c), c.Ints("dilation_rate") ?? [1], c.Int("groups", 1), c.Activation("activation", "linear"),
            c.Bool("use_bias", true, "bias"), c.Initializer("kernel_initializer", new GlorotUniform(), "init"), c.Initializer("bias_initializer", new Zeros()),
            c.Regularizer("kernel_regularizer", "W_regularizer"), c.Regularizer("bias_regularizer", "b_regularizer"), c.Regularizer("activity_regularizer"),
            c.Constraint("kernel_constraint", "W_constraint"), c.Constraint("bias_constraint", "b_constraint"), c.Name, c.Trainable),
        ["Conv3D"] = c => new Conv3D(c.Required("filters", "nb_filter"), KernelSize(c, 3), c.Ints("strides", "subsample") ?? [1],
            Padding(c), DataFormat(c), c.Ints("dilation_rate") ?? [1], c.Int("groups", 1), c.Activation("activation", "linear"),
            c.Bool("use_bias", true, "bias"), c.Initializer("kernel_initializer", new GlorotUniform(), "init"), c.Initializer("bias_initializer", new Zeros()),
            c.Regularizer("kernel_regularizer", "W_regularizer"), c.Regularizer("bias_regularizer", "b_regularizer"), c.Regularizer("activity_regularizer"),
            c.Constraint("kernel_constraint", "W_constraint"), c.Constraint("bias_constraint", "b_constraint"), c.Name, c.Trainable),
        ["Conv1DTranspose"] = c => new Conv1DTranspose(c.Required("filters", "nb_filter"), KernelSize(c, 1), c.Ints("strides", "subsample") ?? [1],
            Padding(c), Optional(c.Ints("output_padding")), DataFormat(c), c.Ints("dilation_rate") ?? [1], c.Activation("activation", "linear"),
            c.Bool("use_bias", true, "bias"), c.Initializer("kernel_initializer", new GlorotUniform(), "init"), c.Initializer("bias_initializer", new Zeros()),
            c.Regularizer("kernel_regularizer", "W_regularizer"), c.Regularizer("bias_regularizer", "b_regularizer"), c.Regularizer("activity_regularizer"),
            c.Constraint("kernel_constraint", "W_constraint"), c.Constraint("bias_constraint", "b_constraint"), c.Name, c.Trainable),
        ["Conv2DTranspose"] = c => new Conv2DTranspose(c.Required("filters", "nb_filter"), KernelSize(c, 2), c.Ints("strides", "subsample") ?? [1],
            Padding(c), Optional(c.Ints("output_padding")), DataFormat(c), c.Ints("dilation_rate") ?? [1], c.Activation("activation", "linear"),
            c.Bool("use_bias", true, "bias"), c.Initializer("kernel_initializer", new GlorotUniform(), "init"), c.Initializer("bias_initializer", new Zeros()),
            c.Regularizer("kernel_regularizer", "W_regularizer"), c.Regularizer("bias_regularizer", "b_regularizer"), c.Regularizer("activity_regularizer"),
            c.Constraint("kernel_constraint", "W_constraint"), c.Constraint("bias_constraint", "b_constraint"), c.Name, c.Trainable),
        ["DepthwiseConv2D"] = c => new DepthwiseConv2D(KernelSize(c, 2), Optional(c.Ints("strides")), Padding(c), c.Int("depth_multiplier", 1),
            DataFormat(c), c.Ints("dilation_rate") ?? [1], c.Activation("activation", "linear"), c.Bool("use_bias", true),
            c.Initializer("depthwise_initializer", new GlorotUniform()), c.Initializer("bias_initializer", new Zeros()),
            c.Regularizer("depthwise_regularizer"), c.Regularizer("bias_regularizer"), c.Constraint("depthwise_constraint"),
            c.Constraint("bias_constraint"), c.Name, c.Trainable),
        ["SeparableConv2D"] = c => new SeparableConv2D(c.Required("filters"), KernelSize(c, 2), Optional(c.Ints("strides")), Padding(c),
            c.Int("depth_multiplier", 1), DataFormat(c), c.Ints("dilation_rate") ?? [1], c.Activation("activation", "linear"), c.Bool("use_bias", true),
            c.Initializer("depthwise_initializer", new GlorotUniform()), c.Initializer("pointwise_initializer", new GlorotUniform()),
            c.Initializer("bias_initializer", new Zeros()), c.Name, c.Trainable),
        ["Attention"] = c => new Attention(c.Bool("use_scale", false), c.String("score_mode") ?? "dot", c.Double("dropout", 0), name: c.Name),
        ["AdditiveAttention"] = c => new AdditiveAttention(c.Bool("use_scale", true), c.Double("dropout", 0), name: c.Name),
        ["MultiHeadAttention"] = c => new MultiHeadAttention(c.Required("num_heads"), c.Required("key_dim"), c.OptionalInt("value_dim"),
            c.Double("dropout", 0), c.Bool("use_bias", true), c.OptionalInt("output_shape"), c.Initializer("kernel_initializer", new GlorotUniform()),
            c.Initializer("bias_initializer", new Zeros()), attentionAxes: c.Ints("attention_axes"), name: c.Name),
        ["MaxPooling1D"] = c => new MaxPooling1D(c.Ints("pool_size", "pool_length") ?? [2], Optional(c.Ints("strides", "stride")), Padding(c), DataFormat(c), c.Name),
        ["MaxPooling2D"] = c => new MaxPooling2D(c.Ints("pool_size") ?? [2], Optional(c.Ints("strides")), Padding(c), DataFormat(c), c.Name),
        ["MaxPooling3D"] = c => new MaxPooling3D(c.Ints("pool_size") ?? [2], Optional(c.Ints("strides")), Padding(c), DataFormat(c), c.Name),
        ["AveragePooling1D"] = c => new AveragePooling1D(c.Ints("pool_size", "pool_length") ?? [2], Optional(c.Ints("strides", "stride")), Padding(c), DataFormat(c), c.Name),
        ["AveragePooling2D"] = c => new AveragePooling2D(c.Ints("pool_size") ?? [2], Optional(c.Ints("strides")), Padding(c), DataFormat(c), c.Name),
        ["AveragePooling3D"] = c => new AveragePooling3D(c.Ints("pool_size") ?? [2], Optional(c.Ints("strides")), Padding(c), DataFormat(c), c.Name),
        ["GlobalMaxPooling1D"] = c => new GlobalMaxPooling1D(DataFormat(c), c.Bool("keepdims", false), c.Name),
        ["GlobalMaxPooling2D"] = c => new GlobalMaxPooling2D(DataFormat(c), c.Bool("keepdims", false), c.Name),
        ["GlobalAveragePooling1D"] = c => new GlobalAveragePooling1D(DataFormat(c), c.Bool("keepdims", false), c.Name),
        ["GlobalAveragePooling2D"] = c => new GlobalAveragePooling2D(DataFormat(c), c.Bool("keepdims", false), c.Name),
        ["UpSampling1D"] = c => new UpSampling1D(c.Int("size", 2, "length"), c.Name),
        ["UpSampling2D"] = c => new UpSampling2D(c.Ints("size") ?? [2], DataFormat(c), c.String("interpolation") ?? "nearest", c.Name),
        ["ZeroPadding1D"] = c => new ZeroPadding1D(c.Ints("padding") ?? [1], c.Name),
        ["ZeroPadding2D"] = c => Margins(c, "padding") is { } pairs ? new ZeroPadding2D(pairs, DataFormat(c), c.Name) : new ZeroPadding2D(c.Ints("padding") ?? [1], DataFormat(c), c.Name),
        ["Cropping1D"] = c => new Cropping1D(c.Ints("cropping") ?? [1], c.Name),
        ["Cropping2D"] = c => Margins(c, "cropping") is { } pairs ? new Cropping2D(pairs, DataFormat(c), c.Name) : new Cropping2D(c.Ints("cropping") ?? [0], DataFormat(c), c.Name),
        ["BatchNormalization"] = c => new BatchNormalization(c.Ints("axis")?[0] ?? -1, c.Double("momentum", 0.99), c.Double("epsilon", 1e-3),
            c.Bool("center", true), c.Bool("scale", true), c.Initializer("beta_initializer", new Zeros()), c.Initializer("gamma_initializer", new Ones()),
            c.Initializer("moving_mean_initializer", new Zeros()), c.Initializer("moving_variance_initializer", new Ones()),
            c.Regularizer("beta_regularizer"), c.Regularizer("gamma_regularizer"), c.Constraint("beta_constraint"), c.Constraint("gamma_constraint"),
            c.Name, c.Trainable),
        ["LayerNormalization"] = c => new LayerNormalization(c.Ints("axis") ?? [-1], c.Double("epsilon", 1e-3), c.Bool("center", true), c.Bool("scale", true),
            c.Initializer("beta_initializer", new Zeros()), c.Initializer("gamma_initializer", new Ones()), c.Regularizer("beta_regularizer"),
            c.Regularizer("gamma_regularizer"), c.Constraint("beta_constraint"), c.Constraint("gamma_constraint"), c.Name),
        ["ReLU"] = c => new ReLU(c.Node("max_value") is null ? null : c.Double("max_value", 0), c.Double("negative_slope", 0), c.Double("threshold", 0), c.Name),
        ["LeakyReLU"] = c => new LeakyReLU(c.Double("negative_slope", 0.3, "alpha"), c.Name),
        ["ELU"] = c => new ELU(c.Double("alpha", 1.0), c.Name),
        ["ThresholdedReLU"] = c => new ThresholdedReLU(c.Double("theta", 1.0), c.Name),
        ["Softmax"] = c => new Softmax(c.Int("axis", -1), c.Name),
        ["PReLU"] = c => new PReLU(c.Initializer("alpha_initializer", new Zeros(), "init"), c.Regularizer("alpha_regularizer"),
            c.Constraint("alpha_constraint"), c.Ints("shared_axes"), c.Name),
        ["GaussianNoise"] = c => new GaussianNoise(c.Double("stddev", 0, "sigma"), c.OptionalInt("seed"), c.Name),
        ["GaussianDropout"] = c => new GaussianDropout(c.Double("rate", 0, "p"), c.OptionalInt("seed"), c.Name),
        ["SpatialDropout1D"] = c => new SpatialDropout1D(c.Double("rate", 0, "p"), c.Name),
        ["SpatialDropout2D"] = c => new SpatialDropout2D(c.Double("rate", 0, "p"), DataFormat(c), c.Name),
        ["ActivityRegularization"] = c => new ActivityRegularization(c.Double("l1", 0), c.Double("l2", 0), c.Name),
        ["TimeDistributed"] = c => new TimeDistributed(ModelLoader.CreateLayer(Nested(c, "layer"), c.Options), c.Name),
        ["Bidirectional"] = c => new Bidirectional(ModelLoader.CreateLayer(Nested(c, "layer"), c.Options), c.String("merge_mode"),
            c.Node("backward_layer") is JsonObject backward ? ModelLoader.CreateLayer(backward, c.Options) : null, c.Name),
    };

    private static IntOrTuple KernelSize(ConfigReader c, int rank)
    {
        if (c.Ints("kernel_size", "filter_length") is { } size) return size;
        // Keras 1: nb_row, nb_col (, nb_depth)
        int[] legacy = new[] { "kernel_dim1", "nb_row", "nb_col" }.Where(k => c.Has(k)).Select(k => c.Int(k, 1)).ToArray();
        return legacy.Length >= rank ? legacy[^rank..] : throw new KerasFormatException($"Layer '{c.Name}' ({c.ClassName}): config entry 'kernel_size' is missing.");
    }

    private static IntOrTuple? Optional(int[]? values) => values is null ? (IntOrTuple?)null : new IntOrTuple(values);

    private static string Padding(ConfigReader c) => c.String("padding", "border_mode") ?? "valid";

    /// <summary>Keras 1's dim_ordering "th" means channels_first.</summary>
    private static string DataFormat(ConfigReader c) =>
        c.String("data_format") ?? (c.String("dim_ordering") == "th" ? "channels_first" : "channels_last");

    private static int[][]? Margins(ConfigReader c, string key) => c.Node(key) is JsonArray { Count: 2 } pairs && pairs.All(p => p is JsonArray)
        ? pairs.Select(p => p!.AsArray().Select(v => v!.GetValue<int>()).ToArray()).ToArray()
        : null;

    private static JsonObject Nested(ConfigReader c, string key) =>
        c.Node(key) as JsonObject ?? throw new KerasFormatException($"Layer '{c.Name}' ({c.ClassName}): config entry '{key}' is missing.");

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
