namespace TfFunctional.Layers;

/// <summary>Additive (Bahdanau) attention, as Keras's AdditiveAttention: scores <c>Σ scale·tanh(q + k)</c> (learned scale per feature by default).</summary>
public sealed class AdditiveAttention : BaseAttention
{
    private Variable? _scale;

    /// <summary>Creates the layer with Keras's defaults (learned scale, no dropout).</summary>
    public AdditiveAttention(bool useScale = true, double dropout = 0.0, bool returnAttentionScores = false, bool useCausalMask = false,
        string? name = null) : base(dropout, returnAttentionScores, useCausalMask, name) => UseScale = useScale;

    /// <summary>Whether a learned vector scales the tanh terms.</summary>
    public bool UseScale { get; }

    /// <inheritdoc />
    protected override void BuildScores(Shape query, Shape value)
    {
        int dim = query[^1] ?? throw new ArgumentException($"Layer \"{Name}\": the last dimension of the query must be known. Received: {query}");
        if (UseScale) _scale = AddWeight("scale", [dim], new Initializers.GlorotUniform());
    }

    /// <inheritdoc />
    protected override Tensor Scores(Tensor query, Tensor key)
    {
        var terms = Ops.Tanh(Ops.Add(Ops.ExpandDims(query, 2), Ops.ExpandDims(key, 1)));
        if (_scale is not null) terms = Ops.Multiply(terms, _scale.Value);
        return Ops.Sum(terms, -1);
    }

    /// <inheritdoc />
    public override LayerConfig GetConfig() => base.GetConfig().With("use_scale", UseScale);

    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static AdditiveAttention FromConfig(LayerConfig config) => config.Construct<AdditiveAttention>();
}
