using System.IO.Compression;
using System.Text.Json.Nodes;
using TfFunctional.Saving;

namespace TfFunctional.Tests.Saving;

/// <summary>
/// Structure-aware mutations of real .keras files (config entries given other types, extreme or negative values,
/// removed, duplicated; class names swapped; compile configs edited), seeded: each loads, or fails with a
/// <see cref="KerasFormatException"/> that names the file, within bounded time and without native error text.
/// </summary>
[NonParallelizable]
public class StructuredMutationTests
{
    private static readonly string[] Sources =
    [
        Fixtures.Wild("Deep-Learning-Neural-Netowrks__mlp-keras-iris-dataset__model.keras"),
        Fixtures.Wild("2shakilrafi__goswami-code__autoencoder.keras"),
        Fixtures.Wild("CDT406__CDT406-EMG-2__model.keras"),
        Fixtures.Wild("Obaiz1__LSTM-vs-GRU-BTC-Price-Prediction__gru_model.keras"),
        Fixtures.Wild("Carine-Ashimwe__Summative-Assignment-SAHeart-Project__functional_model.keras"),
    ];

    private const int CasesPerSource = 420;

    private static readonly string[] ClassNames =
        ["Dense", "Conv1D", "LSTM", "GRU", "InputLayer", "Bidirectional", "Functional", "Sequential", "Lambda", "NoSuchLayer", "Add", "Reshape"];

    private static JsonNode? RandomValue(Random random) => random.Next(16) switch
    {
        0 => null,
        1 => -random.Next(1, 1000),
        2 => 268435456,
        3 => 1e300,
        4 => 2.5,
        5 => "x" + random.Next(100),
        6 => true,
        7 => new JsonArray(),
        8 => new JsonObject(),
        9 => new JsonArray(1, 2, 3),
        10 => new JsonObject { ["class_name"] = ClassNames[random.Next(ClassNames.Length)], ["config"] = new JsonObject() },
        11 => 0,
        12 => int.MaxValue,
        13 => -1,
        14 => new JsonArray(new JsonArray(new JsonArray(new JsonArray(1)))),
        _ => "",
    };

    /// <summary>Every (parent, key or index) of the tree, to pick one to mutate.</summary>
    private static List<(JsonNode Parent, string? Key, int Index)> Slots(JsonNode node)
    {
        var slots = new List<(JsonNode, string?, int)>();
        void Walk(JsonNode current)
        {
            switch (current)
            {
                case JsonObject obj:
                    foreach (var (key, child) in obj.ToArray())
                    {
                        slots.Add((obj, key, -1));
                        if (child is not null) Walk(child);
                    }
                    break;
                case JsonArray array:
                    for (int i = 0; i < array.Count; i++)
                    {
                        slots.Add((array, null, i));
                        if (array[i] is { } child) Walk(child);
                    }
                    break;
            }
        }
        Walk(node);
        return slots;
    }

    private static void Mutate(JsonNode root, Random random)
    {
        var slots = Slots(root);
        var (parent, key, index) = slots[random.Next(slots.Count)];
        int kind = random.Next(10);
        if (parent is JsonObject obj && key is not null)
        {
            if (kind == 0) obj.Remove(key);
            else if (kind == 1 && obj[key] is JsonValue v && v.TryGetValue(out string? _)) obj[key] = ClassNames[random.Next(ClassNames.Length)];
            else obj[key] = RandomValue(random);
        }
        else if (parent is JsonArray array)
        {
            if (kind == 0) array.RemoveAt(index);
            else if (kind == 1) array.Add(array[index]?.DeepClone());
            else array[index] = RandomValue(random);
        }
    }

    /// <summary>A message that is only a .NET exception's own text (a bug surfacing, not an explanation of the file's fault).</summary>
    private static bool InternalText(string message) =>
        new[] { "NullReferenceException", "InvalidCastException", "IndexOutOfRangeException", "KeyNotFoundException", "InvalidOperationException",
                "ArgumentOutOfRangeException", "OverflowException", "FormatException", "ArgumentNullException", "Object reference not set" }
            .Any(message.Contains);

    [Test]
    public void MutatedConfigsLoadOrFailWithAClearKerasFormatException()
    {
        string folder = TemporaryFolder.Create("structured");
        var random = new Random(20261201);
        int cases = 0, loaded = 0, rejected = 0;
        var slowest = TimeSpan.Zero;
        var failures = new List<string>();
        try
        {
            foreach (string source in Sources)
            {
                string original;
                using (var zip = ZipFile.OpenRead(source))
                using (var reader = new StreamReader(zip.GetEntry("config.json")!.Open()))
                    original = reader.ReadToEnd();
                for (int i = 0; i < CasesPerSource; i++)
                {
                    var config = JsonNode.Parse(original)!;
                    int mutations = 1 + random.Next(3);
                    for (int m = 0; m < mutations; m++) Mutate(config, random);
                    string path = Path.Combine(folder, $"case{cases}.keras");
                    File.Copy(source, path);
                    using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
                    {
                        zip.GetEntry("config.json")!.Delete();
                        using var writer = new StreamWriter(zip.CreateEntry("config.json").Open());
                        writer.Write(config.ToJsonString());
                    }
                    var (error, elapsed) = LoadAttempt.Run(path, compile: i % 4 == 0, TimeSpan.FromSeconds(20), $"{Path.GetFileName(source)} case {i}");
                    slowest = elapsed > slowest ? elapsed : slowest;
                    if (error is null) loaded++;
                    else if (error is KerasFormatException && error.Message.StartsWith($"case{cases}.keras", StringComparison.Ordinal)
                             && !error.Message.Contains("c10::") && !error.Message.Contains("frame #") && !InternalText(error.Message))
                        rejected++;
                    else if (failures.Count < 60)
                        failures.Add($"{Path.GetFileName(source)} case {i}: {error.GetType().Name}: {error.Message} " +
                            $"(at {(error.InnerException ?? error).StackTrace?.Split('\n').FirstOrDefault(l => l.Contains("TfFunctional"))?.Trim()})");
                    File.Delete(path);
                    cases++;
                }
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
        TestContext.Out.WriteLine($"{cases} mutated configs: {loaded} loaded, {rejected} rejected with KerasFormatException; slowest {slowest.TotalMilliseconds:F0} ms");
        Assert.That(failures.Count, Is.Zero, string.Join("\n", failures));
        Assert.That(cases, Is.GreaterThanOrEqualTo(2000));
        Assert.That(rejected, Is.GreaterThan(500));
    }
}
