using TfFunctional.Layers;
using static TfFunctional.Examples.ExampleRun;

namespace TfFunctional.Examples;

/// </summary>
internal sealed class VqaExample : IExample
{
    public string Name => "vqa";
    public string Description => "Guide: visual question answering (full-size summary, reduced-size training).";

    internal static Sequential VisionModel(int size)
    {
        // First, let's define a vision model using a Sequential model.
        var visionModel = new Sequential();
        visionModel.Add(new Conv2D(64, (3, 3), activation: "relu", padding: "same", inputShape: (size, size, 3)));
        visionModel.Add(new Conv2D(64, (3, 3), activation: "relu"));
        visionModel.Add(new MaxPooling2D((2, 2)));
        visionModel.Add(new Conv2D(128, (3, 3), activation: "relu", padding: "same"));
        visionModel.Add(new Conv2D(128, (3, 3), activation: "relu"));
        visionModel.Add(new MaxPooling2D((2, 2)));
        visionModel.Add(new Conv2D(256, (3, 3), activation: "relu", padding: "same"));
        visionModel.Add(new Conv2D(256, (3, 3), activation: "relu"));
        visionModel.Add(new Conv2D(256, (3, 3), activation: "relu"));
        visionModel.Add(new MaxPooling2D((2, 2)));
        visionModel.Add(new Flatten());
        return visionModel;
    }

    internal static (Model Model, KerasTensor Question, KerasTensor EncodedQuestion, Sequential Vision) Build(int size, int words, int vocabulary, int answers)
    {
        var visionModel = VisionModel(size);
        // Now let's get a tensor with the output of our vision model:
        var imageInput = Keras.Input(shape: (size, size, 3));
        var encodedImage = visionModel.Call(imageInput);
        // Next, let's define a language model to encode the question into a vector.
        var questionInput = Keras.Input(shape: [words], dtype: "int32");
        var embeddedQuestion = new Embedding(inputDim: vocabulary, outputDim: 256, inputLength: words).Call(questionInput);
        var encodedQuestion = new LSTM(256).Call(embeddedQuestion);
        // Let's concatenate the question vector and the image vector:
        var merged = Keras.Layers.Concatenate([encodedQuestion, encodedImage]);
        // And let's train a logistic regression over 1000 words on top:
        var output = new Dense(answers, activation: "softmax").Call(merged);
        // This is our final model:
        return (new Model(inputs: [imageInput, questionInput], outputs: output), questionInput, encodedQuestion, visionModel);
    }

    internal static (Tensor Images, Tensor Questions, Tensor Answers) Data(int n, int size, int words, int vocabulary, int seed, int frames = 0)
    {
        var random = new Random(seed);
        int pixels = size * size * 3 * Math.Max(frames, 1);
        var images = new float[n * pixels];
        var questions = new int[n * words];
        var answers = new float[n * 10];
        for (int i = 0; i < n; i++)
        {
            bool bright = random.Next(2) == 1;
            for (int p = 0; p < pixels; p++) images[i * pixels + p] = (float)(random.NextDouble() * 0.5 + (bright ? 0.5 : 0));
            for (int w = 0; w < words; w++) questions[i * words + w] = 1 + random.Next(vocabulary - 1);
            answers[i * 10 + questions[i * words] % 5 + (bright ? 5 : 0)] = 1;
        }
        long[] imageShape = frames > 0 ? [n, frames, size, size, 3] : [n, size, size, 3];
        return (Tensor.From(images, imageShape), Tensor.From(questions, n, words), Tensor.From(answers, n, 10));
    }

    public int Run(ExampleOptions options)
    {
        var (full, _, _, vision) = Build(224, 100, 10000, 1000);
        full.Summary();
        bool ok = Check(full.CountParams() == 165_077_800 && vision.CountParams() == 1_735_488,
            $"full size: {full.CountParams():N0} parameters (Keras: 165,077,800), vision part {vision.CountParams():N0}");
        full.Dispose();

        Keras.ClearSession();
        int size = options.Quick ? 32 : 40, n = options.SamplesOr(256, 32);
        var (model, _, _, _) = Build(size, 6, 50, 10);
        model.Compile(optimizer: new Optimizers.Adam(0.0005), loss: "categorical_crossentropy", metrics: ["accuracy"]);
        var (images, questions, answers) = Data(n, size, 6, 50, seed: 20);
        long expected = model.CountParams();
        return Finish(Name, model, expected, new[] { images, questions }, answers, options, options.EpochsOr(15, 2), batchSize: 16) | (ok ? 0 : 1);
    }
}
