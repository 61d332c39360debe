namespace TfFunctional.Tests.Layers;

/// <summary>
/// The layer test table: a row (at least) for every layer class of the registry, with what Keras says each gives. The
/// layer test (<see cref="LayerTest"/>) runs every row; the ONNX export test runs the exportable ones.
/// </summary>
public static class LayerCatalogue
{
    private static LayerTestCase Row(string name, int?[] input, int?[] output, Func<Layer> make) => new(name, make, [input], output);

    private static LayerTestCase Pair(string name, int?[] first, int?[] second, int?[] output, Func<Layer> make) => new(name, make, [first, second], output);

    /// <summary>Every row.</summary>
    public static readonly LayerTestCase[] Cases =
    [
        // Core
        Row("Dense", [4], [3], () => new Dense(3, activation: "relu")) with { Trainable = 2, Masking = true, WrongRank = [] },
        Row("Dense_3d", [2, 4], [2, 3], () => new Dense(3, activation: "tanh")) with { Trainable = 2, Masking = true },
        Row("Activation", [4], [4], () => new Activation("softsign")) with { Masking = true },
        Row("Embedding", [4], [4, 3], () => new Embedding(7, 3)) with { DType = DType.Int32, Trainable = 1 },
        Row("Masking", [3, 2], [3, 2], () => new Masking(0.5)) with { Masking = true },
        // Reshaping
        Row("Flatten", [2, 3], [6], () => new Flatten()),
        Row("Reshape", [6], [3, 2], () => new Reshape([3, 2])),
        Row("Permute", [2, 3], [3, 2], () => new Permute([2, 1])) with { WrongRank = [2, 3, 1] },
        Row("RepeatVector", [3], [2, 3], () => new RepeatVector(2)) with { WrongRank = [3, 1] },
        Row("UpSampling1D", [3, 2], [9, 2], () => new UpSampling1D(3)) with { WrongRank = [3] },
        Row("UpSampling2D", [3, 3, 2], [6, 6, 2], () => new UpSampling2D(2, interpolation: "bilinear")) with { WrongRank = [3, 2] },
        Row("ZeroPadding1D", [3, 2], [6, 2], () => new ZeroPadding1D([1, 2])) with { WrongRank = [3] },
        Row("ZeroPadding2D", [3, 3, 2], [5, 5, 2], () => new ZeroPadding2D(1)) with { WrongRank = [3, 2] },
        Row("ZeroPadding2D_pairs", [3, 3, 2], [4, 5, 2], () => new ZeroPadding2D([[1, 0], [0, 2]])),
        Row("Cropping1D", [6, 2], [3, 2], () => new Cropping1D([1, 2])) with { WrongRank = [6] },
        Row("Cropping2D", [5, 5, 2], [4, 2, 2], () => new Cropping2D([[1, 0], [2, 1]])) with { WrongRank = [5, 2] },
        // Convolution
        Row("Conv1D", [8, 2], [8, 3], () => new Conv1D(3, 3, padding: "causal", dilationRate: 2)) with { Trainable = 2, WrongRank = [8] },
        Row("Conv2D", [6, 6, 2], [3, 3, 3], () => new Conv2D(3, [3, 2], strides: 2, padding: "same")) with { Trainable = 2, WrongRank = [6, 2] },
        Row("Conv3D", [4, 4, 4, 1], [3, 3, 3, 2], () => new Conv3D(2, 2)) with { Trainable = 2, WrongRank = [4, 4, 1] },
        Row("Conv1DTranspose", [5, 2], [11, 3], () => new Conv1DTranspose(3, 3, strides: 2)) with { Trainable = 2, WrongRank = [5] },
        Row("Conv1DTranspose_same_wide_stride", [4, 2], [12, 3], () => new Conv1DTranspose(3, 2, strides: 3, padding: "same")) with { Trainable = 2 },
        Row("Conv2DTranspose", [3, 3, 2], [6, 6, 2], () => new Conv2DTranspose(2, 3, strides: 2, padding: "same")) with { Trainable = 2, WrongRank = [3, 2] },
        // Keras with output_padding: (in − 1)·s + k − 2·pad + output_padding, pad = k / 2 for "same", 0 for "valid".
        Row("Conv2DTranspose_output_padding", [3, 3, 2], [6, 5, 2], () => new Conv2DTranspose(2, 3, strides: (2, 2), padding: "same", outputPadding: (1, 0))) with { Trainable = 2 },
        Row("Conv1DTranspose_output_padding", [4, 2], [14, 3], () => new Conv1DTranspose(3, 3, strides: 3, outputPadding: 2)) with { Trainable = 2 },
        Row("SeparableConv2D", [5, 5, 2], [3, 3, 3], () => new SeparableConv2D(3, 3, depthMultiplier: 2)) with { Trainable = 3, WrongRank = [5, 2] },
        Row("DepthwiseConv2D", [5, 5, 2], [3, 3, 4], () => new DepthwiseConv2D(3, depthMultiplier: 2)) with { Trainable = 2, WrongRank = [5, 2] },
        // Pooling
        Row("MaxPooling1D", [6, 2], [3, 2], () => new MaxPooling1D(2)) with { WrongRank = [6] },
        Row("MaxPooling2D", [5, 5, 2], [4, 4, 2], () => new MaxPooling2D(2, strides: 1)) with { WrongRank = [5, 2] },
        Row("MaxPooling3D", [4, 4, 4, 1], [2, 2, 2, 1], () => new MaxPooling3D(2)) with { WrongRank = [4, 4, 1] },
        Row("AveragePooling1D", [7, 2], [4, 2], () => new AveragePooling1D(3, strides: 2, padding: "same")) with { WrongRank = [7] },
        Row("AveragePooling2D", [5, 5, 2], [3, 3, 2], () => new AveragePooling2D(2, padding: "same")) with { WrongRank = [5, 2] },
        Row("AveragePooling3D", [4, 4, 4, 1], [2, 2, 2, 1], () => new AveragePooling3D(2)) with { WrongRank = [4, 4, 1] },
        Row("GlobalAveragePooling1D", [5, 3], [1, 3], () => new GlobalAveragePooling1D(keepdims: true)) with { Masking = true, WrongRank = [5] },
        Row("GlobalAveragePooling2D", [4, 4, 2], [2], () => new GlobalAveragePooling2D()) with { WrongRank = [4, 2] },
        Row("GlobalMaxPooling1D", [5, 3], [3], () => new GlobalMaxPooling1D()) with { WrongRank = [5] },
        Row("GlobalMaxPooling2D", [4, 4, 2], [2], () => new GlobalMaxPooling2D()) with { WrongRank = [4, 2] },
        // Normalization
        Row("BatchNormalization", [4], [4], () => new BatchNormalization(momentum: 0.9)) with { Trainable = 2, NonTrainable = 2, Masking = true },
        Row("LayerNormalization", [5, 4], [5, 4], () => new LayerNormalization()) with { Trainable = 2, Masking = true },
        // Advanced activations
        Row("LeakyReLU", [4], [4], () => new LeakyReLU(0.1)) with { Masking = true },
        Row("PReLU", [4], [4], () => new PReLU(alphaInitializer: new Initializers.Constant(0.2))) with { Trainable = 1, Masking = true },
        Row("ReLU", [4], [4], () => new ReLU(maxValue: 0.5)) with { Masking = true },
        Row("ELU", [4], [4], () => new ELU(0.5)) with { Masking = true },
        Row("ThresholdedReLU", [4], [4], () => new ThresholdedReLU(0.2)) with { Masking = true },
        Row("Softmax", [4], [4], () => new Softmax()) with { Masking = true, MaskBroadcastsToInputs = true },
        // Regularization
        Row("Dropout", [4], [4], () => new Dropout(0.3)) with { Masking = true },
        Row("GaussianNoise", [4], [4], () => new GaussianNoise(0.1)) with { Masking = true },
        Row("GaussianDropout", [4], [4], () => new GaussianDropout(0.2)) with { Masking = true },
        Row("ActivityRegularization", [4], [4], () => new ActivityRegularization(0.01, 0.02)) with { Masking = true },
        Row("SpatialDropout1D", [5, 3], [5, 3], () => new SpatialDropout1D(0.2)) with { Masking = true, WrongRank = [5] },
        Row("SpatialDropout2D", [3, 3, 2], [3, 3, 2], () => new SpatialDropout2D(0.2)) with { Masking = true, WrongRank = [3, 2] },
        // Recurrent and wrappers
        Row("SimpleRNN", [5, 3], [5, 4], () => new SimpleRNN(4, returnSequences: true)) with { Trainable = 3, Masking = true, WrongRank = [5] },
        Row("LSTM", [5, 3], [4], () => new LSTM(4, goBackwards: true)) with { Trainable = 3, Masking = true, WrongRank = [5] },
        Row("LSTM_hard_sigmoid", [5, 3], [5, 3], () => new LSTM(3, recurrentActivation: "hard_sigmoid", returnSequences: true)) with { Trainable = 3, Masking = true },
        Row("GRU", [5, 3], [4], () => new GRU(4, resetAfter: false)) with { Trainable = 3, Masking = true, WrongRank = [5] },
        Row("GRU_reset_after", [5, 3], [5, 4], () => new GRU(4, returnSequences: true)) with { Trainable = 3, Masking = true },
        Row("Bidirectional", [5, 3], [5, 2], () => new Bidirectional(new GRU(2, returnSequences: true), mergeMode: "sum")) with { Trainable = 6, Masking = true, WrongRank = [5] },
        Row("Bidirectional_concat", [5, 3], [4], () => new Bidirectional(new LSTM(2))) with { Trainable = 6, Masking = true },
        Row("Bidirectional_mul", [5, 3], [5, 2], () => new Bidirectional(new SimpleRNN(2, returnSequences: true), mergeMode: "mul")) with { Trainable = 6, Masking = true },
        Row("Bidirectional_ave", [5, 3], [3], () => new Bidirectional(new GRU(3), mergeMode: "ave")) with { Trainable = 6, Masking = true },
        Row("TimeDistributed", [5, 3], [5, 2], () => new TimeDistributed(new Dense(2))) with { Trainable = 2, Masking = true },
        // Merging
        Pair("Add", [3], [3], [3], () => new Add()) with { Masking = true },
        Pair("Subtract", [3], [3], [3], () => new Subtract()) with { Masking = true },
        Pair("Multiply", [3], [3], [3], () => new Multiply()) with { Masking = true },
        Pair("Average", [3], [3], [3], () => new Average()) with { Masking = true },
        Pair("Maximum", [3], [3], [3], () => new Maximum()) with { Masking = true },
        Pair("Minimum", [3], [3], [3], () => new Minimum()) with { Masking = true },
        Pair("Concatenate", [2, 3], [2, 1], [2, 4], () => new Concatenate()) with { Masking = true },
        Pair("Dot", [3], [3], [1], () => new Dot(1, normalize: true)) with { Masking = true },
        // Attention
        Pair("Attention", [4, 3], [5, 3], [4, 3], () => new Attention(useScale: true)) with { Trainable = 1, Masking = true },
        Pair("Attention_concat_causal", [4, 3], [4, 3], [4, 3], () => new Attention(useScale: true, scoreMode: "concat", useCausalMask: true)) with { Trainable = 2, Masking = true },
        Pair("AdditiveAttention", [4, 3], [5, 3], [4, 3], () => new AdditiveAttention()) with { Trainable = 1, Masking = true },
        Pair("MultiHeadAttention", [5, 4], [5, 4], [5, 4], () => new MultiHeadAttention(2, 3)) with { Trainable = 8, Masking = true },
        Pair("MultiHeadAttention_causal", [5, 4], [5, 4], [5, 6], () => new MultiHeadAttention(2, 3, valueDim: 2, outputShape: 6, useCausalMask: true)) with { Trainable = 8, Masking = true },
        Pair("MultiHeadAttention_axes", [2, 3, 4], [2, 3, 4], [2, 3, 4], () => new MultiHeadAttention(2, 3, attentionAxes: [2])) with { Trainable = 8, Masking = true },
    ];
}
