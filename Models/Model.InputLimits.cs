using TfFunctional.Layers;

namespace TfFunctional;

public partial class Model
{
    /// <summary>
    /// The exclusive upper bound of the values integer input <paramref name="input"/> may hold, when it feeds
    /// <see cref="Embedding"/> layers (directly or through nested models): the smallest of their <c>input_dim</c>; every
    /// valid value is in [0, that). Null when the input feeds no Embedding, and so has no such bound. Servers check
    /// requests against it before any tensor exists (Keras answers an index beyond it with
    /// "indices[0,3] = 20000 is not in [0, 10000)").
    /// </summary>
    public int? IndexInputLimit(int input)
    {
        if (input < 0 || input >= _inputs.Count)
            throw new ArgumentOutOfRangeException(nameof(input), $"Model \"{Name}\" has {_inputs.Count} input(s). Received: input={input}");
        var graph = Graph;
        int slot = graph.InputSlots[input];
        int? limit = null;
        foreach (var step in graph.Steps)
        {
            for (int position = 0; position < step.InputSlots.Length; position++)
            {
                if (step.InputSlots[position] != slot) continue;
                int? found = step.Layer switch
                {
                    Embedding embedding => embedding.InputDim,
                    Model nested when position < nested.Inputs.Count => nested.IndexInputLimit(position),
                    _ => null,
                };
                if (found is int value) limit = Math.Min(limit ?? int.MaxValue, value);
            }
        }
        return limit;
    }

    /// <summary>
    /// The bytes of values one sample makes <c>Predict</c> hold: the inputs and every output of every layer (a nested
    /// model's own values included), which a batch keeps until it ends, from the symbolic shapes (a size the model leaves
    /// open counts as 1). Layers' own temporaries come on top; the figure is for weighing requests before any tensor
    /// exists, as servers do: rows × this, against the memory one request may use.
    /// </summary>
    public long ActivationBytesPerSample()
    {
        static long Bytes(KerasTensor tensor) =>
            tensor.Shape.Slice(1..).Aggregate((long)tensor.DType.ByteSize(), (product, d) => product * Math.Max(1, d ?? 1));
        long total = _inputs.Sum(Bytes);
        foreach (var step in Graph.Steps)
        {
            total += step.Node.OutputTensors.Sum(Bytes);
            // A nested model's own values, less its inputs and outputs: they are this graph's values, counted here.
            if (step.Layer is Model nested) total += nested.ActivationBytesPerSample() - nested._inputs.Sum(Bytes) - nested._outputs.Sum(Bytes);
        }
        return total;
    }
}
