namespace TfFunctional.Saving;

/// <summary>
/// The weights a file gives a model, checked before any value is read: every problem is listed at once, then every
/// weight is assigned, or none. A model the file itself made (<c>LoadModel</c>) takes the values straight into its
/// variables, so loading costs the weights' own size and no more; a live model (<c>LoadWeights</c>) gets them only
/// after all were read, so a file that fails half-way leaves it as it was.
/// </summary>
internal sealed class WeightAssignment(string fileName)
{
    private readonly List<string> _problems = [];
    private readonly List<(Variable Variable, WeightValue Value)> _weights = [];

    /// <summary>Records a problem; nothing is assigned when there is one.</summary>
    public void Problem(string problem) => _problems.Add(problem);

    /// <summary>Records that <paramref name="variable"/> takes <paramref name="value"/> (of the variable's shape).</summary>
    public void Add(Variable variable, WeightValue value) => _weights.Add((variable, value));

    /// <summary>Assigns every weight, or throws listing every problem and assigns none.</summary>
    /// <param name="modelIsNew">True when the model was made from this file and is dropped if loading fails.</param>
    /// <exception cref="KerasFormatException">The weights do not fit the model; the message lists every problem.</exception>
    public void Apply(bool modelIsNew)
    {
        if (_problems.Count > 0)
            throw new KerasFormatException($"{fileName}: the weights do not fit the model: {string.Join("; ", _problems)}.");
        if (modelIsNew)
        {
            foreach (var (variable, value) in _weights) variable.Fill(value.ReadRows);
            return;
        }
        var staged = _weights.Select(w => w.Value.Values).ToArray();
        for (int i = 0; i < staged.Length; i++) _weights[i].Variable.Assign(staged[i]);
    }
}
