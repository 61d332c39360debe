using PureHDF;
using TfFunctional.Layers;

namespace TfFunctional.Saving;

/// <summary>
/// Keras 3's <c>model.weights.h5</c>: one group per object path (<c>layers/dense_1/vars</c>, <c>layers/lstm/cell/vars</c>),
/// each holding its variables as datasets <c>0</c>, <c>1</c>, … in Keras layout, with the layer's name as attribute.
/// </summary>
internal static class KerasWeightsFile
{
    /// <summary>The format's adapter: HDF5 files laid out by object path (<c>layers/…/vars</c>).</summary>
    public static readonly ModelFormat Format = new Adapter();

    private sealed class Adapter : ModelFormat
    {
        public override string Name => ".weights.h5";

        protected override bool Recognizes(ReadOnlySpan<byte> head, string path)
        {
            if (!IsHdf5(head)) return false;
            try
            {
                using var file = H5File.OpenRead(path);
                return file.LinkExists("layers") || file.LinkExists("vars") && !file.AttributeExists("layer_names");
            }
            catch (Exception)
            {
                return false;   // an HDF5 file this reader cannot open is the legacy reader's to report
            }
        }

        protected override bool IsNamedBy(string path) => EndsWith(path, ".weights.h5");

        protected override bool SavesWeightsTo(string path) => EndsWith(path, ".weights.h5");

        public override void LoadWeights(Model model, string path, bool byName, bool skipMismatch)
        {
            using var stream = File.OpenRead(path);
            KerasFiles.Guard(Path.GetFileName(path), () => Read(model, stream, Path.GetFileName(path)));
        }

        public override void SaveWeights(Model model, string path) => AtomicFile.Write(path, stream => Write(model, stream));
    }

    public static void Write(Model model, Stream stream)
    {
        var root = new H5File();
        foreach (var (path, name, variables) in model.KerasWeightTree(""))
        {
            var vars = new H5Group { Attributes = new() { ["name"] = name } };
            for (int i = 0; i < variables.Count; i++)
                vars[i.ToString()] = ToArray(variables[i]);
            GroupAt(root, path)["vars"] = vars;
        }
        root.Write(stream);
    }

    public static void Read(Model model, Stream stream, string fileName)
    {
        using var file = H5File.Open(stream, leaveOpen: true);
        Read(model, file, fileName, modelIsNew: false);
    }

    /// <summary>
    /// Sets the model's weights from an open <c>model.weights.h5</c>, all or none (<see cref="WeightAssignment"/>;
    /// <paramref name="modelIsNew"/>: the model was made from this file, so the values go straight into it).
    /// </summary>
    public static void Read(Model model, IH5Group file, string fileName, bool modelIsNew)
    {
        var assignment = new WeightAssignment(fileName);
        var groups = new GroupIndex(file);
        foreach (var (path, _, variables) in model.KerasWeightTree(""))
        {
            if (variables.Count == 0) continue;
            string groupPath = path.Length == 0 ? "vars" : $"{path}/vars";
            if (groups.Find(groupPath) is not { } group)
            {
                assignment.Problem($"'{groupPath}' is missing (expected {variables.Count} weights: {string.Join(", ", variables.Select(v => v.Path))})");
                continue;
            }
            var stored = group.Children().OfType<IH5Dataset>().Select(d => d.Name).ToHashSet();
            if (stored.Count != variables.Count)
                assignment.Problem($"'{groupPath}' holds {stored.Count} weights, but layer weights [{string.Join(", ", variables.Select(v => v.Path))}] are {variables.Count}");
            for (int i = 0; i < variables.Count && i < stored.Count; i++)
            {
                var dataset = group.Dataset(i.ToString());
                if (H5Values.Checked(dataset, variables[i].Shape, $"{groupPath}/{i}", variables[i].Path, assignment) is { } value)
                    assignment.Add(variables[i], value);
            }
        }
        assignment.Apply(modelIsNew);
    }

    /// <summary>
    /// Finds groups by path, listing each group's children once: PureHDF resolves a path by scanning a group's links,
    /// which made loading quadratic in the number of layers (4,000 layers: 26 s).
    /// </summary>
    private sealed class GroupIndex(IH5Group root)
    {
        private readonly Dictionary<string, Dictionary<string, IH5Group>> _children = [];
        private readonly Dictionary<string, IH5Group> _groups = new() { [""] = root };

        public IH5Group? Find(string path)
        {
            if (_groups.TryGetValue(path, out var known)) return known;
            int slash = path.LastIndexOf('/');
            string parentPath = slash < 0 ? "" : path[..slash];
            if (Find(parentPath) is not { } parent) return null;
            if (!_children.TryGetValue(parentPath, out var children))
                _children[parentPath] = children = parent.Children().OfType<IH5Group>().ToDictionary(g => g.Name, StringComparer.Ordinal);
            if (!children.TryGetValue(path[(slash + 1)..], out var group)) return null;
            _groups[path] = group;
            return group;
        }
    }

    private static H5Group GroupAt(H5Group root, string path)
    {
        var group = root;
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!group.TryGetValue(part, out var child))
                group[part] = child = new H5Group();
            group = (H5Group)child;
        }
        return group;
    }

    /// <summary>The dataset value of a variable: an array in Keras layout, or a lone value for a scalar weight (Keras writes shape ()).</summary>
    internal static object ToArray(Variable variable)
    {
        using var scope = Ops.NewScope();
        Array values = variable.DType switch
        {
            DType.Float64 => variable.KerasValue.ToNDArray<double>(),
            DType.Int32 => variable.KerasValue.ToNDArray<int>(),
            DType.Int64 => variable.KerasValue.ToNDArray<long>(),
            _ => variable.KerasValue.ToNDArray<float>(),
        };
        return variable.Shape.Rank == 0 ? values.GetValue(0)! : values;
    }
}
