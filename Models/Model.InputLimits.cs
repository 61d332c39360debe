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
}
