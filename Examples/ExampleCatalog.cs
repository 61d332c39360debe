namespace TfFunctional.Examples;

/// <summary>Every example, in the order <c>list</c> shows them.</summary>
internal static class ExampleCatalog
{
    public static IReadOnlyList<IExample> All { get; } =
    [
        new TwitterExample(),
        new FirstModelExample(),
        new SharedLstmExample(),
        new SharedVisionExample(),
        new InceptionExample(),
        new ResidualExample(),
        new ConcatenateExample(),
        new MergeExample(),
        new VqaExample(),
        new VideoQaExample(),
        new MlpExample(),
        new CnnExample(),
        new RnnExample(),
        new BiLstmExample(),
        new SharedInputExample(),
        new SharedFeatureExample(),
        new MultiInputExample(),
        new MultiOutputExample(),
        new GanGeneratorExample(),
    ];
}
