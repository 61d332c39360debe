using System.Diagnostics;
using System.Net;
using System.Text;
using TfFunctional.Layers;

namespace TfFunctional.Utils;

/// <summary>Keras's <c>model_to_dot</c> and <c>plot_model</c>: the model graph as Graphviz DOT, drawn by Graphviz's <c>dot</c>.</summary>
public static class ModelPlot
{
    /// <summary>The DOT text of the model: one node per layer, one edge per connection, as Keras draws them.</summary>
    public static string ToDot(Model model, bool showShapes = false, bool showDtype = false, bool showLayerNames = true, string rankdir = "TB",
        bool expandNested = false, int dpi = 96, bool showLayerActivations = false, bool showTrainable = false)
    {
        if (rankdir is not ("TB" or "LR"))
            throw new ArgumentException($"rankdir must be \"TB\" or \"LR\". Received: {rankdir}", nameof(rankdir));
        var dot = new StringBuilder();
        dot.AppendLine("digraph G {");
        dot.AppendLine($"  graph [rankdir={rankdir}, concentrate=true, dpi={dpi}];");
        dot.AppendLine("  node [shape=record, fontname=\"Helvetica\"];");
        var ids = new Dictionary<Layer, string>(ReferenceEqualityComparer.Instance);
        var layers = AllLayers(model, expandNested).ToArray();
        // As Keras's expand_nested: a nested model's layers inside a dashed cluster labelled with its name.
        int clusters = 0;
        void Emit(Model owner, string indent)
        {
            IEnumerable<Layer> own = owner is Sequential ? [owner.Inputs[0].Layer, .. owner.Layers] : owner.Layers;
            foreach (var layer in own)
            {
                if (expandNested && layer is Model nested)
                {
                    dot.AppendLine($"{indent}subgraph cluster_{clusters++} {{");
                    dot.AppendLine($"{indent}  label=\"{WebUtility.HtmlEncode(nested.Name)}\"; style=\"dashed\";");
                    Emit(nested, indent + "  ");
                    dot.AppendLine($"{indent}}}");
                    continue;
                }
                string id = ids[layer] = $"layer{ids.Count}";
                dot.AppendLine($"{indent}{id} [label=<{Label(layer, showShapes, showDtype, showLayerNames, showLayerActivations, showTrainable)}>, shape=plaintext];");
            }
        }
        Emit(model, "  ");
        var nodes = new HashSet<Node>(model.Graph.Nodes);
        // Edges come from every layer's calls, a nested model's own call included (the outer input into the cluster).
        var callers = expandNested ? layers.Select(l => l.Layer).Concat(NestedModels(model)) : layers.Select(l => l.Layer);
        foreach (var layer in callers)
            foreach (var node in layer.InboundNodes)
            {
                if (ModelConfigSelfNode(node) || node.IsInput) continue;
                if (!expandNested && !nodes.Contains(node)) continue;
                foreach (var input in node.InputTensors)
                {
                    var source = expandNested && input.Layer is Model nested ? Last(nested) : input.Layer;
                    var target = expandNested && layer is Model inner ? First(inner) : layer;
                    if (ids.ContainsKey(source) && ids.ContainsKey(target))
                        dot.AppendLine($"  {ids[source]} -> {ids[target]};");
                }
            }
        dot.AppendLine("}");
        return dot.ToString();
    }

    /// <summary>
    /// Draws the model to <paramref name="toFile"/> (PNG, SVG, PDF or DOT by extension) through Graphviz's <c>dot</c>, as Keras's <c>plot_model</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">Graphviz is not installed (the message says how to install it); .dot output still works.</exception>
    public static void Plot(Model model, string toFile = "model.png", bool showShapes = false, bool showDtype = false, bool showLayerNames = true,
        string rankdir = "TB", bool expandNested = false, int dpi = 96, bool showLayerActivations = false, bool showTrainable = false)
    {
        string text = ToDot(model, showShapes, showDtype, showLayerNames, rankdir, expandNested, dpi, showLayerActivations, showTrainable);
        string extension = Path.GetExtension(toFile).TrimStart('.').ToLowerInvariant();
        if (extension == "dot")
        {
            Saving.AtomicFile.Write(toFile, stream => stream.Write(Encoding.UTF8.GetBytes(text)));
            return;
        }
        if (extension is not ("png" or "svg" or "pdf" or "jpg" or "jpeg"))
            throw new ArgumentException($"Unsupported plot format '.{extension}': use .png, .svg, .pdf, .jpg or .dot.", nameof(toFile));
        var start = new ProcessStartInfo("dot", $"-T{(extension == "jpeg" ? "jpg" : extension)}")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("dot did not start.");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException(
                "You must install Graphviz (its `dot` program) for PlotModel to work: on Debian/Ubuntu `sudo apt-get install graphviz`, " +
                "on macOS `brew install graphviz`, on Windows from https://graphviz.org/download/. Saving to a .dot file needs no Graphviz.");
        }
        using (process)
        {
            var error = process.StandardError.ReadToEndAsync();
            process.StandardInput.Write(text);
            process.StandardInput.Close();
            using var image = new MemoryStream();
            process.StandardOutput.BaseStream.CopyTo(image);
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"Graphviz's dot failed ({process.ExitCode}): {error.Result}");
            Saving.AtomicFile.Write(toFile, stream => image.WriteTo(stream));
        }
    }

    private static bool ModelConfigSelfNode(Node node) => node.Layer is Model && node.Index == 0;

    /// <summary>Every layer drawn (nested models' own layers in their place when expanded), for the edges.</summary>
    private static IEnumerable<(Layer Layer, int Depth)> AllLayers(Model model, bool expandNested, int depth = 0)
    {
        IEnumerable<Layer> layers = model is Sequential ? [model.Inputs[0].Layer, .. model.Layers] : model.Layers;
        foreach (var layer in layers)
        {
            if (expandNested && layer is Model nested)
                foreach (var inner in AllLayers(nested, true, depth + 1)) yield return inner;
            else
                yield return (layer, depth);
        }
    }

    private static IEnumerable<Model> NestedModels(Model model) =>
        model.Layers.OfType<Model>().SelectMany(nested => NestedModels(nested).Prepend(nested));

    private static Layer First(Model model) => model.Inputs[0].Layer;

    private static Layer Last(Model model) => model.Outputs[0].Layer;

    private static string Label(Layer layer, bool showShapes, bool showDtype, bool showLayerNames, bool showActivations, bool showTrainable)
    {
        string title = showLayerNames ? $"{layer.Name} ({layer.ClassName})" : layer.ClassName;
        if (showActivations && layer is Dense dense) title += $" | {dense.Activation.Name}";
        if (showTrainable) title += $" | trainable: {(layer.Trainable ? "T" : "F")}";
        var rows = new StringBuilder($"<table border=\"1\" cellborder=\"0\" cellspacing=\"0\"><tr><td colspan=\"2\"><b>{WebUtility.HtmlEncode(title)}</b></td></tr>");
        if (showShapes || showDtype)
        {
            string Describe(IEnumerable<KerasTensor> tensors) => string.Join(", ", tensors.Select(t =>
                (showShapes ? t.Shape.ToString() : "") + (showDtype ? $" {t.DType.KerasName()}" : "")));
            var node = layer.InboundNodes.FirstOrDefault(n => !ModelConfigSelfNode(n)) ?? layer.InboundNodes.FirstOrDefault();
            string input = node is null ? "?" : node.IsInput ? Describe(node.OutputTensors) : Describe(node.InputTensors);
            string output = node is null ? "?" : Describe(node.OutputTensors);
            rows.Append($"<tr><td>input:</td><td>{WebUtility.HtmlEncode(input)}</td></tr>");
            rows.Append($"<tr><td>output:</td><td>{WebUtility.HtmlEncode(output)}</td></tr>");
        }
        return rows.Append("</table>").ToString();
    }
}
