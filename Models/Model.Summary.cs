using System.Text;
using TfFunctional.Layers;

namespace TfFunctional;

public partial class Model
{
    /// <summary>
    /// Prints Keras 2's summary table: layer (type), output shape, parameter count and, for graphs that are not a
    /// plain chain, the inbound connections; then the total, trainable and non-trainable parameter counts.
    /// </summary>
    /// <param name="printFn">Receives each line; the console when null.</param>
    /// <param name="lineLength">Total width (Keras default: 65 for chains, 98 otherwise).</param>
    /// <param name="showTrainable">Adds a Trainable column (Y/N).</param>
    /// <param name="expandNested">Also lists the layers of nested models, boxed and indented under each one, as Keras's <c>expand_nested</c>.</param>
    public void Summary(Action<string>? printFn = null, int? lineLength = null, bool showTrainable = false, bool expandNested = false)
    {
        var print = printFn ?? Console.WriteLine;
        if (!IsGraphReady)
            throw new InvalidOperationException(
                $"This model \"{Name}\" has not yet been built. Build the model first by calling `Build(inputShape)` or by calling the model on a batch of data.");
        var graph = Graph;
        bool sequentialLike = this is Sequential || IsChain(graph);
        int width;
        List<int> positions;
        List<string> header;
        if (sequentialLike)
        {
            width = lineLength ?? 65;
            positions = [(int)(width * 0.45), (int)(width * 0.85), width];
            header = ["Layer (type)", "Output Shape", "Param #"];
        }
        else
        {
            width = lineLength ?? 98;
            positions = [(int)(width * 0.33), (int)(width * 0.55), (int)(width * 0.67), width];
            header = ["Layer (type)", "Output Shape", "Param #", "Connected to"];
        }
        if (showTrainable)
        {
            width += 11;
            positions.Add(width);
            header.Add("Trainable");
        }

        var modelNodes = new HashSet<Node>(graph.Nodes);
        print($"Model: \"{Name}\"");
        print(new string('_', width));
        PrintRow(header, positions, print);
        print(new string('=', width));
        // Keras's print_layer: the row; a nested model's layers boxed in '|' and '¯' one level deeper; a blank line after
        // every row but the last of a box and a box's end.
        void PrintLayer(Layer layer, int level, bool lastInBox)
        {
            var fields = new List<string> { $"{layer.Name} ({layer.ClassName})", OutputShapeText(layer), layer.CountParams().ToString() };
            if (!sequentialLike)
            {
                var connections = layer.InboundNodes.Where(modelNodes.Contains).SelectMany(n => n.InboundDescriptions);
                fields.Add("[" + string.Join(", ", connections.Select(c => $"'{c}'")) + "]");
            }
            if (showTrainable) fields.Add(layer.Trainable ? "Y" : "N");
            PrintRow(fields, positions, print, level);
            if (expandNested && layer is Model { Layers.Count: > 0 } nested)
            {
                print(Boxed(new string('¯', width - 2 * level - 2), level + 1));
                for (int i = 0; i < nested.Layers.Count; i++) PrintLayer(nested.Layers[i], level + 1, i == nested.Layers.Count - 1);
                print(Boxed(new string('¯', width - 2 * level), level));
                lastInBox = true;   // as Keras: its loop variable leaves no blank line after a box
            }
            if (!lastInBox) print(Boxed(new string(' ', width - 2 * level), level));
        }
        foreach (var layer in Layers) PrintLayer(layer, 0, lastInBox: false);
        print(new string('=', width));
        long trainable = TrainableWeights.Sum(w => w.Shape.Size ?? 0);
        long nonTrainable = NonTrainableWeights.Sum(w => w.Shape.Size ?? 0);
        print($"Total params: {trainable + nonTrainable:N0}");
        print($"Trainable params: {trainable:N0}");
        print($"Non-trainable params: {nonTrainable:N0}");
        print(new string('_', width));
    }

    /// <summary>Keras's test: one node per depth, each with one input, and no layer called twice inside the model.</summary>
    private static bool IsChain(FunctionalGraph graph)
    {
        var depthOf = new Dictionary<Node, int>();
        var nodes = graph.Nodes;
        var nodeSet = new HashSet<Node>(nodes);
        if (nodes.Any(n => n.InputTensors.Count > 1) || graph.Steps.Count + 1 != nodes.Count) return false;
        foreach (var group in nodes.GroupBy(n => n.Layer))
            if (group.Count() > 1) return false;
        // A chain has as many nodes as depths: every node but one has exactly one consumer inside the model.
        var consumers = nodes.SelectMany(n => n.InputTensors).GroupBy(t => t).Select(g => g.Count());
        return consumers.All(c => c == 1) && nodes.Count(n => n.IsInput) == 1;
    }

    /// <summary>Keras 2's <c>output_shape</c> text: a tuple, a list for input layers and several outputs, or "multiple".</summary>
    private static string OutputShapeText(Layer layer)
    {
        var perNode = layer.InboundNodes.Select(n => n.OutputShapes).ToArray();
        if (perNode.Length == 0) return "multiple";
        var first = perNode[0];
        if (perNode.Skip(1).Any(shapes => !shapes.SequenceEqual(first))) return "multiple";
        if (first.Count == 1 && layer is not InputLayer) return first[0].ToString();
        return "[" + string.Join(", ", first) + "]";
    }

    private static string Boxed(string text, int level) => new string('|', level) + text + new string('|', level);

    /// <summary>
    /// Keras's print_row: pads each field to its column and wraps long fields, breaking after "),", "},", "]," or "',";
    /// rows of a nested model's layers (<paramref name="level"/> &gt; 0) sit between that many '|' on each side.
    /// </summary>
    private static void PrintRow(IReadOnlyList<string> fields, IReadOnlyList<int> positions, Action<string> print, int level = 0)
    {
        var left = fields.ToArray();
        string[] breaks = ["),", "},", "],", "',"];
        while (left.Any(f => f.Length > 0))
        {
            var line = new StringBuilder();
            for (int col = 0; col < left.Length; col++)
            {
                int start = col > 0 ? positions[col - 1] : 0;
                int space = col != positions.Count - 1 ? 2 : 0;
                int cutoff = Math.Max(0, positions[col] - start - space - (col == 0 ? level : 0));
                string fit = left[col][..Math.Min(cutoff, left[col].Length)];
                var candidates = breaks.Select(b => fit.IndexOf(b, StringComparison.Ordinal) is int i and >= 0 ? i + b.Length : -1)
                    .Where(i => i >= 0).ToArray();
                if (candidates.Length > 0)
                {
                    cutoff = candidates.Min();
                    fit = fit[..cutoff];
                }
                if (col == 0) line.Append('|', level).Append(' ');
                line.Append(fit);
                line.Append(' ', space);
                left[col] = left[col][Math.Min(cutoff, left[col].Length)..];
                int pad = positions[col] - line.Length - (col == left.Length - 1 ? level : 0);
                if (pad > 0) line.Append(' ', pad);
            }
            line.Append('|', level);
            print(line.ToString());
        }
    }
}
