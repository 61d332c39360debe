using System.IO.Compression;
using System.Text.Json.Nodes;
using PureHDF;
using TfFunctional.Saving;

namespace TfFunctional.Tests.Saving;

/// <summary>A model file may only read itself: files that point elsewhere, hide duplicates or disguise their data are refused by name.</summary>
public class HostileFileTests
{
    private string _folder = "";

    [SetUp]
    public void CreateFolder()
    {
        _folder = TemporaryFolder.Create("hostile");
        Directory.CreateDirectory(Path.Combine(_folder, "model"));
    }

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private static readonly string TfJsFolder = Fixtures.Keras("tensorflow__tfjs/e2e/integration_tests/load_predict_data/layers_model");

    /// <summary>The TF.js fixture copied into model/, with its one shard path replaced by <paramref name="shard"/>.</summary>
    private string TfJsWithShard(string shard)
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(TfJsFolder, "model.json")))!;
        json["weightsManifest"]![0]!["paths"] = new JsonArray(shard);
        string path = Path.Combine(_folder, "model", "model.json");
        File.WriteAllText(path, json.ToJsonString());
        return path;
    }

    [Test]
    public void TfJsShardsOutsideTheModelFolderAreRefused()
    {
        // A planted copy of the real weights, one folder up: the bytes are right, the place is not.
        File.Copy(Path.Combine(TfJsFolder, "weights.bin"), Path.Combine(_folder, "planted.bin"));
        foreach (string shard in new[] { "../planted.bin", Path.Combine(_folder, "planted.bin"), "/dev/zero" })
        {
            var error = Assert.Throws<KerasFormatException>(() => Keras.LoadModel(TfJsWithShard(shard)))!;
            Assert.That(error.Message, Does.StartWith("model.json: weight shard").And.Contain("outside the model's folder"), shard);
        }
        File.Copy(Path.Combine(TfJsFolder, "weights.bin"), Path.Combine(_folder, "model", "weights.bin"));
        Assert.That(Keras.LoadModel(TfJsWithShard("weights.bin")).Layers, Has.Count.EqualTo(2), "the same bytes inside the folder load");
    }

    [Test]
    public void ATfJsShardLinkedToADeviceIsRefusedWithoutReading()
    {
        if (!OperatingSystem.IsLinux()) Assert.Ignore("symbolic links to /dev/zero: Linux");
        File.CreateSymbolicLink(Path.Combine(_folder, "model", "weights.bin"), "/dev/zero");
        var error = Assert.Throws<KerasFormatException>(() => Keras.LoadModel(TfJsWithShard("weights.bin")))!;
        Assert.That(error.Message, Does.Contain("links outside the model's folder"));
        File.Delete(Path.Combine(_folder, "model", "weights.bin"));
        File.CreateSymbolicLink(Path.Combine(_folder, "model", "zero.bin"), "/dev/zero");
        File.CreateSymbolicLink(Path.Combine(_folder, "model", "weights.bin"), Path.Combine(_folder, "model", "zero.bin"));
        error = Assert.Throws<KerasFormatException>(() => Keras.LoadModel(TfJsWithShard("weights.bin")))!;
        Assert.That(error.Message, Does.Contain("links outside the model's folder"), "a chain of links is followed to its end");
    }

    [Test]
    public void AShortShardIsRefusedBeforeDecoding()
    {
        File.WriteAllBytes(Path.Combine(_folder, "model", "weights.bin"), new byte[100]);
        var error = Assert.Throws<KerasFormatException>(() => Keras.LoadModel(TfJsWithShard("weights.bin")))!;
        Assert.That(error.Message, Does.Contain("hold 100 bytes, but the manifest's weights need 9200"));
    }

    private string SmallKerasFile()
    {
        var input = Keras.Input(shape: [3]);
        var model = new Model(input, new Dense(2, name: "d").Call(input));
        string path = Path.Combine(_folder, "small.keras");
        model.Save(path);
        return path;
    }

    [Test]
    public void AKerasArchiveWithTwoConfigsIsRefused()
    {
        string path = SmallKerasFile();
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            using var writer = new StreamWriter(zip.CreateEntry("config.json").Open());
            writer.Write("""{"class_name": "Sequential", "config": {"name": "other", "layers": []}}""");
        }
        var error = Assert.Throws<KerasFormatException>(() => Keras.LoadModel(path))!;
        Assert.That(error.Message, Is.EqualTo("small.keras: the archive holds 2 members named 'config.json'; a .keras file has one of each."));
    }

    private struct Complex
    {
        public float Real;
        public float Imaginary;
    }

    [Test]
    public void CompoundWeightDatasetsAreRefusedNotReinterpreted()
    {
        // A weights file whose kernel is complex64 (a compound of two floats, as h5py writes it) and 3 × 2 like the kernel.
        var input = Keras.Input(shape: [3]);
        var model = new Model(input, new Dense(2, useBias: false, name: "d").Call(input));
        string path = Path.Combine(_folder, "complex.h5");
        var kernel = new Complex[3, 2];
        kernel[0, 0] = new Complex { Real = 1, Imaginary = -1 };
        var file = new H5File
        {
            Attributes = new() { ["layer_names"] = new[] { "d" }, ["backend"] = "tensorflow", ["keras_version"] = "2.15.0" },
            ["d"] = new H5Group { Attributes = new() { ["weight_names"] = new[] { "d/kernel:0" } }, ["d"] = new H5Group { ["kernel:0"] = kernel } },
        };
        file.Write(path);
        var before = model.GetWeights()[0];
        var error = Assert.Throws<KerasFormatException>(() => model.LoadWeights(path))!;
        Assert.That(error.Message, Does.Contain("d/d/kernel:0").And.Contain("Compound"));
        Assert.That(model.GetWeights()[0], Is.EqualTo(before), "nothing assigned");
    }

    [Test]
    public void ALegacyWeightOfTheWrongSizeIsRefusedBeforeItIsRead()
    {
        var input = Keras.Input(shape: [3]);
        var model = new Model(input, new Dense(2, name: "d").Call(input));
        string path = Path.Combine(_folder, "wrong.h5");
        var file = new H5File
        {
            Attributes = new() { ["layer_names"] = new[] { "d" }, ["backend"] = "tensorflow", ["keras_version"] = "2.15.0" },
            ["d"] = new H5Group
            {
                Attributes = new() { ["weight_names"] = new[] { "d/kernel:0", "d/bias:0" } },
                ["d"] = new H5Group { ["kernel:0"] = new float[3, 2], ["bias:0"] = new float[1000] },
            },
        };
        file.Write(path);
        var error = Assert.Throws<KerasFormatException>(() => model.LoadWeights(path))!;
        Assert.That(error.Message, Does.Contain("layer 'd' (Dense) holds 8 weight values, but the file's weights d/kernel:0, d/bias:0 hold 1006"));
    }
}

/// <summary>Nothing is allocated that the file's own data does not justify.</summary>
public class AllocationBoundTests
{
    [Test]
    public void AConfigEditThatAsksForGigabytesIsRefusedBeforeAllocating()
    {
        string folder = TemporaryFolder.Create("bound");
        try
        {
            var input = Keras.Input(shape: [4]);
            var model = new Model(input, new Dense(3, name: "d").Call(input));
            string path = Path.Combine(folder, "m.keras");
            model.Save(path);
            using (var zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Update))
            {
                var entry = zip.GetEntry("config.json")!;
                string text;
                using (var reader = new StreamReader(entry.Open())) text = reader.ReadToEnd();
                entry.Delete();
                using var writer = new StreamWriter(zip.CreateEntry("config.json").Open());
                writer.Write(text.Replace("\"units\":3", "\"units\":268435456"));
            }
            long before = ProcessMemory.ResidentBytes();
            var error = Assert.Throws<KerasFormatException>(() => Keras.LoadModel(path))!;
            Assert.That(error.Message, Does.StartWith("m.keras: Layer 'd' (Dense): its config makes weight 'kernel' of shape (4, 268435456)")
                .And.Contain("more than the file's weights hold"));
            Assert.That(ProcessMemory.ResidentBytes() - before, Is.LessThan(256L << 20), "no gigabyte-sized weight was allocated");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void AWeightLargerThanTheMachineIsRefusedBeforeTheNativeCall()
    {
        var input = Keras.Input(shape: [16]);
        var error = Assert.Throws<ArgumentException>(() => new Dense(int.MaxValue, name: "huge").Call(input))!;
        Assert.That(error.Message, Does.Contain("Layer 'huge' (Dense): weight 'kernel' of shape (16, 2147483647) needs 128.0 GiB, more than this machine's memory"));
    }
}
