namespace TfFunctional.Metrics;

/// <summary>The weighted mean, over every sample seen, of a per-sample function of (yTrue, yPred).</summary>
public class MeanMetricWrapper : Metric
{
    private readonly Func<Tensor, Tensor, Tensor> _function;
    private double _total;
    private double _count;

    /// <summary>Creates the metric.</summary>
    public MeanMetricWrapper(string name, Func<Tensor, Tensor, Tensor> function) : base(name) => _function = function;

    /// <inheritdoc />
    internal override bool FollowsMask => true;

    /// <inheritdoc />
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null)
    {
        using var scope = Ops.NewScope();
        using var noGrad = Ops.NoGrad();
        var values = Ops.Cast(_function(yTrue, yPred), DType.Float64);
        if (sampleWeight is null)
        {
            _total += Ops.Item(Ops.Sum(values));
            _count += values.Shape.Size ?? 0;
            return;
        }
        var weight = Ops.Cast(sampleWeight, DType.Float64);
        while (weight.Rank < values.Rank) weight = Ops.ExpandDims(weight, -1);
        weight = Ops.Multiply(Ops.BroadcastTo(weight, values.Shape.Select(d => (long)d!.Value).ToArray()), 1.0);
        _total += Ops.Item(Ops.Sum(Ops.Multiply(values, weight)));
        _count += Ops.Item(Ops.Sum(weight));
    }

    /// <inheritdoc />
    public override double Result() => _count == 0 ? 0 : _total / _count;

    /// <inheritdoc />
    public override void ResetState() => (_total, _count) = (0, 0);
}
