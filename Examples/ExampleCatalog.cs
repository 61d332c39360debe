namespace TfFunctional.Examples;

/// <summary>Every example, in the order <c>list</c> shows them.</summary>
internal static class ExampleCatalog
{
    public static IReadOnlyList<IExample> All { get; } =
    [
        new TwitterExample(),
        new FirstModelExample(),
    ];
}
