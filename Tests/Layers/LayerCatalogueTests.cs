using TfFunctional.Saving;

namespace TfFunctional.Tests.Layers;

/// <summary>Every row of the layer test table through <see cref="LayerTest.Run"/>, and a row for every registered class.</summary>
public class LayerCatalogueTests
{
    private static IEnumerable<TestCaseData> Rows() =>
        LayerCatalogue.Cases.Select(row => new TestCaseData(row).SetName("LayerTest_" + row.Name));

    [TestCaseSource(nameof(Rows))]
    public void PassesTheLayerTest(LayerTestCase row) => LayerTest.Run(row);

    /// <summary>A layer class the registry knows but the table does not fails here.</summary>
    [Test]
    public void EveryRegisteredLayerClassHasARow()
    {
        Keras.ClearSession();
        var covered = LayerCatalogue.Cases.Select(row => row.Make().ClassName).ToHashSet();
        var missing = KerasRegistry.LayerClassNames.Where(name => name != "InputLayer" && !covered.Contains(name)).ToArray();
        Assert.That(missing, Is.Empty, "registered layer classes without a row in LayerCatalogue");
    }

    [Test]
    public void RowNamesAreUnique() =>
        Assert.That(LayerCatalogue.Cases.Select(row => row.Name), Is.Unique);
}
