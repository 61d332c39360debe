namespace TfFunctional.Layers;

/// <summary>
/// What Keras passes to a layer's <c>call</c> beside the inputs: the training flag, the input masks and the call's other
/// non-tensor arguments (<see cref="Node.Arguments"/>).
/// </summary>
public sealed class CallContext
{
    private List<Tensor>? _losses;

    /// <summary>Creates a context.</summary>
    public CallContext(bool training = false, IReadOnlyList<Tensor?>? masks = null)
    {
        Training = training;
        Masks = masks ?? [];
    }

    /// <summary>True while training (Dropout active, BatchNormalization updating its statistics).</summary>
    public bool Training { get; }

    /// <summary>One mask per input, null where an input has none.</summary>
    public IReadOnlyList<Tensor?> Masks { get; }

    /// <summary>The call's non-tensor arguments beside training and mask, by Keras name (empty for an eager call: the layer's defaults apply).</summary>
    public IReadOnlyDictionary<string, object> Arguments { get; private init; } = Layer.NoCallArguments;

    /// <summary>The mask of the first input, or null.</summary>
    public Tensor? Mask => Masks.Count > 0 ? Masks[0] : null;

    /// <summary>Losses added during this call (activity regularization), to be added to the training loss.</summary>
    public IReadOnlyList<Tensor> Losses => (IReadOnlyList<Tensor>?)_losses ?? [];

    /// <summary>Adds a loss term (a scalar tensor) computed during the call.</summary>
    public void AddLoss(Tensor loss) => (_losses ??= []).Add(loss);

    /// <summary>The same training flag and loss collector with other masks.</summary>
    internal CallContext WithMasks(IReadOnlyList<Tensor?> masks) => new(Training, masks) { _losses = _losses ??= [], Arguments = Arguments };

    /// <summary>The same masks and loss collector in another mode (a call made with <c>training=</c>).</summary>
    internal CallContext WithTraining(bool training) => training == Training ? this : new(training, Masks) { _losses = _losses ??= [], Arguments = Arguments };

    /// <summary>The same training flag, masks and loss collector with the arguments of one call.</summary>
    internal CallContext WithArguments(IReadOnlyDictionary<string, object> arguments) =>
        ReferenceEquals(arguments, Arguments) ? this : new(Training, Masks) { _losses = _losses ??= [], Arguments = arguments };
}
