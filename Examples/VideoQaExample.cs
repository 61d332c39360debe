using TfFunctional.Layers;
using static TfFunctional.Examples.ExampleRun;

namespace TfFunctional.Examples;

/// </summary>
internal sealed class VideoQaExample : IExample
{
    public string Name => "video-qa";
    public string Description => "Guide: video question answering with TimeDistributed(vision model).";

    private static Model Build(int size, int frames, int words, int vocabulary, int answers, out Model vqa)
    {
        var (vqaModel, questionInput, encodedQuestion, visionModel) = VqaExample.Build(size, words, vocabulary, answers);
        vqa = vqaModel;
        var videoInput = Keras.Input(shape: (frames, size, size, 3));
        // This is our video encoded via the previously trained vision_model (weights are reused)
        var encodedFrameSequence = new TimeDistributed(visionModel).Call(videoInput);
        var encodedVideo = new LSTM(256).Call(encodedFrameSequence);
        // This is a model-level representation of the question encoder, reusing the same weights as before:
        var questionEncoder = new Model(inputs: questionInput, outputs: encodedQuestion);
        // Let's use it to encode the question:
        var videoQuestionInput = Keras.Input(shape: [words], dtype: "int32");
        var encodedVideoQuestion = questionEncoder.Call(videoQuestionInput);
        // And this is our video question answering model:
        var merged = Keras.Layers.Concatenate([encodedVideo, encodedVideoQuestion]);
        var output = new Dense(answers, activation: "softmax").Call(merged);
        return new Model(inputs: [videoInput, videoQuestionInput], outputs: output);
    }

    public int Run(ExampleOptions options)
    {
        var full = Build(224, 100, 100, 10000, 1000, out var vqa);
        full.Summary();
        bool ok = Check(full.CountParams() == 169_436_968, $"full size: {full.CountParams():N0} parameters (vision and question encoder shared with VQA)");
        vqa.Dispose();
        full.Dispose();

        Keras.ClearSession();
        int size = 32, frames = 3, n = options.SamplesOr(128, 16);
        var model = Build(size, frames, 6, 50, 10, out _);
        model.Compile(optimizer: new Optimizers.Adam(0.0005), loss: "categorical_crossentropy", metrics: ["accuracy"]);
        var (videos, questions, answers) = VqaExample.Data(n, size, 6, 50, seed: 21, frames: frames);
        return Finish(Name, model, model.CountParams(), new[] { videos, questions }, answers, options, options.EpochsOr(10, 2), batchSize: 8) | (ok ? 0 : 1);
    }
}
