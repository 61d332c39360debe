using System.Text.RegularExpressions;
using TfFunctional.Tests.Runtime;

namespace TfFunctional.Tests.Examples;

/// <summary>
/// The README's C# blocks marked <c>&lt;!-- from Examples/X.cs --&gt;</c> show the code that runs: every line of such a
/// block is a line of the example it names, in the same order (indentation aside).
/// </summary>
public partial class ReadmeProgramTests
{
    [GeneratedRegex(@"<!-- from (?<file>[^ ]+) -->\s*```csharp\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex MarkedBlock();

    private static readonly string Root = ConsumerProjectTests.RepositoryRoot();

    private static IEnumerable<TestCaseData> Blocks() =>
        MarkedBlock().Matches(File.ReadAllText(Path.Combine(Root, "README.md")))
            .Select(m => new TestCaseData(m.Groups["file"].Value, m.Groups["code"].Value).SetName($"Readme_{Path.GetFileNameWithoutExtension(m.Groups["file"].Value)}"));

    [Test]
    public void TheGuideProgramsAreMarked() =>
        Assert.That(Blocks().Select(b => (string)b.Arguments[0]!),
            Is.SupersetOf(new[] { "Examples/TwitterExample.cs", "Examples/VqaExample.cs", "Examples/GanGeneratorExample.cs" }));

    [TestCaseSource(nameof(Blocks))]
    public void EveryLineIsInTheExampleInOrder(string file, string code)
    {
        var source = File.ReadAllLines(Path.Combine(Root, file)).Select(l => l.Trim()).ToArray();
        int at = 0;
        foreach (var line in code.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0))
        {
            int found = Array.IndexOf(source, line, at);
            Assert.That(found, Is.GreaterThanOrEqualTo(0), $"README line not found in {file} after line {at}: {line}");
            at = found + 1;
        }
    }
}
