namespace TfFunctional.Tests.Layers;

public class WrapperAndNormalizationTests
{
    [SetUp]
    public void ClearNames() => Keras.ClearSession();

    [Test]
    public void BatchNormalizationUsesKerasMomentumAndBiasedVariance()
    {
        var bn = new BatchNormalization();
        bn.Build(null, 2);
        using var x = Tensor.From(new float[] { 1, 10, 3, 20, 5, 30 }, 3, 2);
        // Training: feature 0 has mean 3 and biased variance 8/3; feature 1 mean 20, variance 200/3.
        using var y = bn.Call(x, training: true);
        double eps = 1e-3;
        var expected = new[] { (1 - 3) / Math.Sqrt(8.0 / 3 + eps), (10 - 20) / Math.Sqrt(200.0 / 3 + eps) };
        Assert.That(y.ToArray<float>().Take(2), Is.EqualTo(expected).Within(1e-5));
        var weights = bn.GetWeights();
        Assert.That(bn.Weights.Select(w => w.Name), Is.EqualTo(new[] { "gamma", "beta", "moving_mean", "moving_variance" }));
        Assert.That((float[])weights[2], Is.EqualTo(new[] { 0.01 * 3, 0.01 * 20 }).Within(1e-6), "moving = 0.99·moving + 0.01·batch");
        Assert.That((float[])weights[3], Is.EqualTo(new[] { 0.99 + 0.01 * 8 / 3.0, 0.99 + 0.01 * 200 / 3.0 }).Within(1e-5));
        // Inference uses the moving statistics.
        using var z = bn.Call(x);
        double mean0 = 0.03, variance0 = 0.99 + 0.08 / 3;
        Assert.That(z.ToArray<float>()[0], Is.EqualTo((1 - mean0) / Math.Sqrt(variance0 + eps)).Within(1e-5));
        Assert.That(bn.TrainableWeights, Has.Count.EqualTo(2));
    }

    /// <summary>
    /// Under a mask, training statistics count the kept positions only (Keras 3's masked moments), and every position,
    /// masked or not, is normalized by them. By hand: the kept steps hold 1, 3, 5, 7, 9 (mean 5, biased variance 8) and
    /// 10, 20, 30, 40, 50 (mean 30, variance 200); the masked step (zeros) would pull both down if it counted.
    /// </summary>
    [Test]
    public void BatchNormalizationTrainsOnTheKeptPositionsOnly()
    {
        var input = Keras.Input(shape: [3, 2]);
        var bn = new BatchNormalization(name: "bn");
        using var model = new Model(input, bn.Call(new Masking(0).Call(input)));
        using var x = Tensor.From(new float[] { 1, 10, 3, 20, 5, 30, 7, 40, 0, 0, 9, 50 }, 2, 3, 2);
        using var y = model.Call(x, training: true);
        double eps = 1e-3, kept = 5 + 1e-7;
        double mean0 = 25 / kept, mean1 = 150 / kept;
        double variance0 = new[] { 1, 3, 5, 7, 9 }.Sum(v => (v - mean0) * (v - mean0)) / kept;
        double variance1 = new[] { 10, 20, 30, 40, 50 }.Sum(v => (v - mean1) * (v - mean1)) / kept;
        float[] values = [1, 10, 3, 20, 5, 30, 7, 40, 0, 0, 9, 50];
        var expected = values.Select((v, i) => i % 2 == 0 ? (v - mean0) / Math.Sqrt(variance0 + eps) : (v - mean1) / Math.Sqrt(variance1 + eps));
        Assert.That(y.ToArray<float>(), Is.EqualTo(expected).Within(1e-5));
        var weights = bn.GetWeights();
        Assert.That((float[])weights[2], Is.EqualTo(new[] { 0.01 * mean0, 0.01 * mean1 }).Within(1e-6), "moving mean from the kept positions");
        Assert.That((float[])weights[3], Is.EqualTo(new[] { 0.99 + 0.01 * variance0, 0.99 + 0.01 * variance1 }).Within(1e-5));

        // Inference is untouched by the mask: the moving statistics normalize every position.
        using var z = model.Call(x);
        Assert.That(z.ToArray<float>()[0], Is.EqualTo((1 - 0.01 * mean0) / Math.Sqrt(0.99 + 0.01 * variance0 + eps)).Within(1e-5));
    }

    [Test]
    public void FrozenBatchNormalizationRunsInInferenceMode()
    {
        var bn = new BatchNormalization();
        bn.Build(null, 2);
        bn.Trainable = false;
        using var x = Tensor.From(new float[] { 1, 10, 3, 20 }, 2, 2);
        using var y = bn.Call(x, training: true);
        Assert.That(y.ToArray<float>(), Is.EqualTo(new[] { 1 / Math.Sqrt(1.001), 10 / Math.Sqrt(1.001), 3 / Math.Sqrt(1.001), 20 / Math.Sqrt(1.001) }).Within(1e-5));
        Assert.That((float[])bn.GetWeights()[2], Is.EqualTo(new[] { 0f, 0 }), "frozen statistics do not move");
    }

    [Test]
    public void LayerNormalizationNormalizesEachSample()
    {
        using var x = Tensor.From(new float[] { 1, 2, 3, 10, 10, 40 }, 2, 3);
        using var y = new LayerNormalization().Call(x);
        double Normalize(double v, double mean, double variance) => (v - mean) / Math.Sqrt(variance + 1e-3);
        Assert.That(y.ToArray<float>(), Is.EqualTo(new[]
        {
            Normalize(1, 2, 2 / 3.0), Normalize(2, 2, 2 / 3.0), Normalize(3, 2, 2 / 3.0),
            Normalize(10, 20, 200), Normalize(10, 20, 200), Normalize(40, 20, 200),
        }).Within(1e-5));
    }

    [Test]
    public void AdvancedActivationLayers()
    {
        using var x = Tensor.From(new float[] { -2, -0.5f, 0.5f, 3, 8 }, 1, 5);
        using (var y = new LeakyReLU(0.2).Call(x)) Assert.That(y.ToArray<float>(), Is.EqualTo(new[] { -0.4f, -0.1f, 0.5f, 3, 8 }).Within(1e-6));
        using (var y = new ReLU(maxValue: 6, negativeSlope: 0.1, threshold: 1).Call(x))
            Assert.That(y.ToArray<float>(), Is.EqualTo(new[] { -0.3, -0.15, -0.05, 3, 6 }).Within(1e-6));
        using (var y = new ELU(0.7).Call(x)) Assert.That(y.ToArray<float>(), Is.EqualTo(new[] { 0.7 * (Math.Exp(-2) - 1), 0.7 * (Math.Exp(-0.5) - 1), 0.5, 3, 8 }).Within(1e-6));
        using (var y = new ThresholdedReLU(0.7).Call(x)) Assert.That(y.ToArray<float>(), Is.EqualTo(new[] { 0f, 0, 0, 3, 8 }));
        var prelu = new PReLU(alphaInitializer: new Initializers.Constant(0.25));
        using (var y = prelu.Call(x)) Assert.That(y.ToArray<float>(), Is.EqualTo(new[] { -0.5f, -0.125f, 0.5f, 3, 8 }));
        Assert.That(prelu.Weights[0].Shape, Is.EqualTo(new Shape(5)));
        // A layer is accepted where Keras takes activation=.
        var conv = new Dense(1, activation: new LeakyReLU(0.2), kernelInitializer: new Initializers.Constant(-1));
        using (var y = conv.Call(Tensor.From(new float[] { 1, 1 }, 1, 2))) Assert.That(y.ToArray<float>(), Is.EqualTo(new[] { -0.4f }).Within(1e-6));
    }

    [Test]
    public void TimeDistributedSharesOneLayerAcrossSteps()
    {
        var x = Keras.Input(shape: [3, 2]);
        var dense = new Dense(2, kernelInitializer: "ones");
        var distributed = new TimeDistributed(dense);
        var y = distributed.Call(x);
        Assert.That(y.Shape, Is.EqualTo(new Shape(null, 3, 2)));
        var model = new Model(x, y);
        Assert.That(model.CountParams(), Is.EqualTo(6L));
        using var output = model.Predict(new float[,,] { { { 1, 2 }, { 3, 4 }, { 5, 6 } } });
        Assert.That(output.ToArray<float>(), Is.EqualTo(new[] { 3f, 3, 7, 7, 11, 11 }));
        var error = Assert.Throws<ArgumentException>(() => new TimeDistributed(new Dense(2)).Call(Keras.Input(shape: [4])))!;
        Assert.That(error.Message, Does.Contain("`TimeDistributed` Layer should be passed an `input_shape` with at least 3 dimensions, received: (None, 4)"));
    }

    [Test]
    public void TimeDistributedOverAModelReusesItsWeights()
    {
        var frame = Keras.Input(shape: [4, 4, 1]);
        var features = new Flatten().Call(new Conv2D(2, 3).Call(frame));
        var vision = new Model(frame, features, name: "vision");
        var video = Keras.Input(shape: [5, 4, 4, 1]);
        var encoded = new TimeDistributed(vision).Call(video);
        Assert.That(encoded.Shape, Is.EqualTo(new Shape(null, 5, 8)));
        var model = new Model(video, encoded);
        Assert.That(model.CountParams(), Is.EqualTo(vision.CountParams()));
        var frames = new float[1, 5, 4, 4, 1];
        for (int t = 0; t < 5; t++) for (int i = 0; i < 16; i++) frames[0, t, i / 4, i % 4, 0] = t + i * 0.1f;
        using var all = model.Predict(frames);
        var third = new float[1, 4, 4, 1];
        for (int i = 0; i < 16; i++) third[0, i / 4, i % 4, 0] = 2 + i * 0.1f;
        using var single = vision.Predict(third);
        Assert.That(all.ToArray<float>().Skip(16).Take(8), Is.EqualTo(single.ToArray<float>()).Within(1e-6));
    }

    [Test]
    public void BidirectionalConcatenatesForwardAndFlippedBackward()
    {
        var x = Keras.Input(shape: [4, 2]);
        var bidirectional = new Bidirectional(new LSTM(3, returnSequences: true));
        var y = bidirectional.Call(x);
        Assert.That(y.Shape, Is.EqualTo(new Shape(null, 4, 6)));
        var model = new Model(x, y);
        Assert.That(bidirectional.Weights.Select(w => w.Path).Take(1), Is.EqualTo(new[] { "bidirectional/forward_lstm/lstm_cell/kernel" }));

        // The same computation by hand: a forward LSTM and a go-backwards LSTM with the same weights.
        var weights = bidirectional.GetWeights();
        var forward = new LSTM(3, returnSequences: true);
        var backward = new LSTM(3, returnSequences: true, goBackwards: true);
        var reference = new Model(x, [forward.Call(x), backward.Call(x)]);
        forward.SetWeights(weights.Take(3).ToArray());
        backward.SetWeights(weights.Skip(3).ToArray());
        var data = new float[2, 4, 2];
        for (int i = 0; i < 16; i++) data[i / 8, i / 2 % 4, i % 2] = (i % 5 - 2) * 0.3f;
        using var actual = model.Predict(data);
        var parts = reference.PredictOutputs(data);
        var f = parts[0].ToArray<float>();
        var b = parts[1].ToArray<float>();
        var expected = new List<float>();
        for (int s = 0; s < 2; s++)
            for (int t = 0; t < 4; t++)
            {
                expected.AddRange(f.Skip((s * 4 + t) * 3).Take(3));
                expected.AddRange(b.Skip((s * 4 + (3 - t)) * 3).Take(3));   // the backward outputs come reversed in time
            }
        Assert.That(actual.ToArray<float>(), Is.EqualTo(expected).Within(1e-6));
        foreach (var p in parts) p.Dispose();

        var error = Assert.Throws<ArgumentException>(() => new Bidirectional(new Dense(3)))!;
        Assert.That(error.Message, Does.StartWith("Please initialize `Bidirectional` layer with a recurrent layer"));
    }

    [Test]
    public void GuideAndArticleModelsHaveKerasParameterCounts()
    {
        // Shared vision model: two digits through one vision model.
        var digit = Keras.Input(shape: [27, 27, 1]);
        var v = new Conv2D(64, [3, 3]).Call(digit);
        v = new Conv2D(64, [3, 3]).Call(v);
        v = new MaxPooling2D([2, 2]).Call(v);
        var vision = new Model(digit, new Flatten().Call(v));
        var digitA = Keras.Input(shape: [27, 27, 1]);
        var digitB = Keras.Input(shape: [27, 27, 1]);
        var concatenated = Keras.Layers.Concatenate([vision.Call(digitA), vision.Call(digitB)]);
        var classification = new Model([digitA, digitB], new Dense(1, activation: "sigmoid").Call(concatenated));
        Assert.That(classification.CountParams(), Is.EqualTo(53_057L));

        // Inception module, with the guide's axis=1.
        var image = Keras.Input(shape: [256, 256, 3]);
        var tower1 = new Conv2D(64, [3, 3], padding: "same", activation: "relu").Call(new Conv2D(64, [1, 1], padding: "same", activation: "relu").Call(image));
        var tower2 = new Conv2D(64, [5, 5], padding: "same", activation: "relu").Call(new Conv2D(64, [1, 1], padding: "same", activation: "relu").Call(image));
        var tower3 = new Conv2D(64, [1, 1], padding: "same", activation: "relu").Call(new MaxPooling2D([3, 3], strides: [1, 1], padding: "same").Call(image));
        var inceptionOut = Keras.Layers.Concatenate([tower1, tower2, tower3], axis: 1);
        Assert.That(inceptionOut.Shape, Is.EqualTo(new Shape(null, 768, 256, 64)));
        Assert.That(new Model(image, inceptionOut).CountParams(), Is.EqualTo(140_160L));

        // Residual connection.
        var residualInput = Keras.Input(shape: [256, 256, 3]);
        var residual = Keras.Layers.Add([residualInput, new Conv2D(3, [3, 3], padding: "same").Call(residualInput)]);
        Assert.That(new Model(residualInput, residual).CountParams(), Is.EqualTo(84L));

        // The article: CNN, shared input, multiple inputs, multiple outputs, shared feature extraction, BiLSTM.
        var cnnIn = Keras.Input(shape: [64, 64, 1]);
        var c = new MaxPooling2D([2, 2]).Call(new Conv2D(32, 4, activation: "relu").Call(cnnIn));
        c = new MaxPooling2D([2, 2]).Call(new Conv2D(16, 4, activation: "relu").Call(c));
        c = new Dense(10, activation: "relu").Call(new Flatten().Call(c));
        Assert.That(new Model(cnnIn, new Dense(1, activation: "sigmoid").Call(c)).CountParams(), Is.EqualTo(35_813L));

        var seqIn = Keras.Input(shape: [100, 1]);
        var extract = new LSTM(10, returnSequences: true).Call(seqIn);
        var class11 = new Dense(10, activation: "relu").Call(new LSTM(10).Call(extract));
        var output1 = new Dense(1, activation: "sigmoid").Call(class11);
        var output2 = new TimeDistributed(new Dense(1, activation: "linear")).Call(extract);
        var multiOutput = new Model(seqIn, [output1, output2]);
        Assert.That(multiOutput.CountParams(), Is.EqualTo(1_452L));
        Assert.That(output2.Shape, Is.EqualTo(new Shape(null, 100, 1)));

        var biIn = Keras.Input(shape: [100, 1]);
        Assert.That(new Model(biIn, new Dense(1).Call(new Bidirectional(new LSTM(10)).Call(biIn))).CountParams(), Is.EqualTo(981L));
    }

    [Test]
    public void VqaAndVideoQaAtFullSize()
    {
        var vision = new Sequential();
        vision.Add(new Conv2D(64, [3, 3], activation: "relu", padding: "same", inputShape: [224, 224, 3]));
        vision.Add(new Conv2D(64, [3, 3], activation: "relu"));
        vision.Add(new MaxPooling2D([2, 2]));
        vision.Add(new Conv2D(128, [3, 3], activation: "relu", padding: "same"));
        vision.Add(new Conv2D(128, [3, 3], activation: "relu"));
        vision.Add(new MaxPooling2D([2, 2]));
        vision.Add(new Conv2D(256, [3, 3], activation: "relu", padding: "same"));
        vision.Add(new Conv2D(256, [3, 3], activation: "relu"));
        vision.Add(new Conv2D(256, [3, 3], activation: "relu"));
        vision.Add(new MaxPooling2D([2, 2]));
        vision.Add(new Flatten());
        Assert.That(vision.CountParams(), Is.EqualTo(1_735_488L));
        var imageInput = Keras.Input(shape: [224, 224, 3]);
        var encodedImage = vision.Call(imageInput);
        var questionInput = Keras.Input(shape: [100], dtype: DType.Int32);
        var embedded = new Embedding(inputDim: 10000, outputDim: 256, inputLength: 100).Call(questionInput);
        var encodedQuestion = new LSTM(256).Call(embedded);
        var merged = Keras.Layers.Concatenate([encodedQuestion, encodedImage]);
        var output = new Dense(1000, activation: "softmax").Call(merged);
        using var vqa = new Model([imageInput, questionInput], output);
        Assert.That(vqa.CountParams(), Is.EqualTo(165_077_800L));

        var videoInput = Keras.Input(shape: [100, 224, 224, 3]);
        var frames = new TimeDistributed(vision).Call(videoInput);
        Assert.That(frames.Shape, Is.EqualTo(new Shape(null, 100, 160000)));
        var encodedVideo = new LSTM(256).Call(frames);
        var questionEncoder = new Model(questionInput, encodedQuestion);
        var videoQuestionInput = Keras.Input(shape: [100], dtype: DType.Int32);
        var mergedVideo = Keras.Layers.Concatenate([encodedVideo, questionEncoder.Call(videoQuestionInput)]);
        var videoQa = new Model([videoInput, videoQuestionInput], new Dense(1000, activation: "softmax").Call(mergedVideo));
        // Vision and question encoder are shared with the VQA model: 1,735,488 + 164,103,168 (LSTM on 160,000 features)
        // + 3,085,312 (question encoder) + 513,000.
        Assert.That(videoQa.CountParams(), Is.EqualTo(169_436_968L));
    }
}
