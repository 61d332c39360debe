namespace TfFunctional.Layers;

/// <summary>
/// Dot-product (Luong) attention, as Keras's Attention: scores <c>q·kᵀ</c>, times a learned scalar with
/// <c>useScale</c>; <c>scoreMode: "concat"</c> gives <c>scale·Σ tanh(q + k)</c> instead.
/// </summary>
public sealed class Attention : BaseAttention
{
    private Variable? _scale;
    private Variable? _concatScoreWeight;

    /// <summary>Creates the layer with Keras's defaults (no scale, dot scores, no dropout).</summary>
    public Attention(bool useScale = false, string scoreMode = "dot", double dropout = 0.0, bool returnAttentionScores = false,
        bool useCausalMask = false, string? name = null) : base(dropout, returnAttentionScores, useCausalMask, name)
    {
        if (scoreMode is not ("dot" or "concat"))
            throw new ArgumentException($"Invalid value for argument score_mode. Expected one of {{'dot', 'concat'}}. Received: score_mode={scoreMode}", nameof(scoreMode));
        UseScale = useScale;
        ScoreMode = scoreMode;
    }

    /// <summary>Whether a learned scalar multiplies the scores.</summary>
    public bool UseScale { get; }
    /// <summary><c>dot</c> or <c>concat</c>.</summary>
    public string ScoreMode { get; }

    /// <inheritdoc />
    protected override void BuildScores(Shape query, Shape value)
    {
        if (UseScale) _scale = AddWeight("scale", [], new Initializers.Ones());
        if (ScoreMode == "concat") _concatScoreWeight = AddWeight("concat_score_weight", [], new Initializers.Ones());
    }

    /// <inheritdoc />
    protected override Tensor Scores(Tensor query, Tensor key)
    {
        if (ScoreMode == "dot")
        {
            var scores = Ops.Matmul(query, Ops.Transpose(key, 0, 2, 1));
            return _scale is null ? scores : Ops.Multiply(scores, _scale.Value);
        }
        var sum = Ops.Tanh(Ops.Add(Ops.ExpandDims(query, 2), Ops.ExpandDims(key, 1)));
        if (_scale is not null) sum = Ops.Multiply(sum, _scale.Value);
        return Ops.Multiply(Ops.Sum(sum, -1), _concatScoreWeight!.Value);
    }

    /// <inheritdoc />
    public override LayerConfig GetConfig() => base.GetConfig().With("use_scale", UseScale).With("score_mode", ScoreMode);

    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static Attention FromConfig(LayerConfig config) => config.Construct<Attention>();
}
