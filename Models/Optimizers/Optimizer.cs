using System.Text.Json.Nodes;
using TfFunctional.Saving;

namespace TfFunctional.Optimizers;

/// <summary>
/// The base of Keras's optimizers: gradient clipping (<c>clipnorm</c>, <c>clipvalue</c>, <c>globalClipnorm</c>),
/// a settable learning rate, an iteration count, and per-variable slots (momentum, velocity, …).
/// </summary>
public abstract class Optimizer : IKerasSerializable
{
    private readonly Dictionary<(Variable, string), Variable> _slots = [];

    /// <summary>Creates the optimizer; at most one of the clipping arguments may be set, as in Keras.</summary>
    protected Optimizer(double learningRate, double? clipnorm, double? clipvalue, double? globalClipnorm, string name)
    {
        if (new[] { clipnorm, clipvalue, globalClipnorm }.Count(c => c is not null) > 1)
            throw new ArgumentException(
                $"Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. Received: clipnorm={clipnorm}, clipvalue={clipvalue}, global_clipnorm={globalClipnorm}");
        LearningRate = learningRate;
        Clipnorm = clipnorm;
        Clipvalue = clipvalue;
        GlobalClipnorm = globalClipnorm;
        Name = name;
    }

    /// <summary>The learning rate of the next step; settable between steps, as Keras's <c>optimizer.learning_rate</c>.</summary>
    public double LearningRate { get; set; }

    /// <summary>A schedule that gives the learning rate from the step (overrides <see cref="LearningRate"/>), as Keras's <c>learning_rate=schedule</c>.</summary>
    public LearningRateSchedule? Schedule { get; set; }

    /// <summary>The learning rate the next step uses: the schedule's at the current iteration, else <see cref="LearningRate"/>.</summary>
    public double CurrentLearningRate => Schedule?.Call(Iterations) ?? LearningRate;

    /// <summary>Clips each gradient to this L2 norm.</summary>
    public double? Clipnorm { get; }

    /// <summary>Clips each gradient value to ±this.</summary>
    public double? Clipvalue { get; }

    /// <summary>Clips all gradients jointly to this L2 norm.</summary>
    public double? GlobalClipnorm { get; }

    /// <summary>The optimizer's name (<c>rmsprop</c>, <c>adam</c>, …).</summary>
    public string Name { get; }

    /// <summary>Number of steps applied so far.</summary>
    public long Iterations { get; private set; }

    /// <summary>The slot variables (momentum, velocity, …) created so far.</summary>
    public IReadOnlyList<Variable> Variables => _slots.Values.ToArray();

    /// <summary>Applies one update of every variable from its gradient; variables without a gradient are left alone.</summary>
    public void ApplyGradients(IReadOnlyList<(Tensor? Gradient, Variable Variable)> pairs)
    {
        var present = pairs.Where(p => p.Gradient is not null).Select(p => (Gradient: p.Gradient!, p.Variable)).ToArray();
        IReadOnlyList<Tensor> gradients = present.Select(p => p.Gradient).ToArray();
        using var scope = Ops.NewScope();
        if (GlobalClipnorm is double global)
            gradients = OptimizerKernels.ClipByGlobalNorm(gradients, global);
        else if (Clipnorm is double norm)
            gradients = gradients.Select(g => OptimizerKernels.ClipByNorm(g, norm)).ToArray();
        else if (Clipvalue is double value)
            gradients = gradients.Select(g => Ops.Clip(g, -value, value)).ToArray();
        double learningRate = CurrentLearningRate;
        Iterations++;
        BeforeStep();
        for (int i = 0; i < present.Length; i++)
        {
            if (WeightDecay is double decay && decay > 0)
            {
                // Keras's decoupled weight decay: w −= w · decay · lr, before the update.
                OptimizerKernels.Scale(present[i].Variable, 1 - decay * learningRate);
            }
            Update(present[i].Variable, gradients[i], learningRate);
        }
    }

    /// <summary>Decoupled weight decay applied before each update (AdamW), or null.</summary>
    public double? WeightDecay { get; set; }

    /// <summary>Called once per step before the variables are updated (Nadam's running product).</summary>
    protected virtual void BeforeStep() { }

    /// <summary>Updates one variable in place with Keras's rule.</summary>
    protected abstract void Update(Variable variable, Tensor gradient, double learningRate);

    /// <summary>The slot <paramref name="name"/> of <paramref name="variable"/>, created filled with <paramref name="initialValue"/>.</summary>
    protected Variable Slot(Variable variable, string name, double initialValue = 0.0)
    {
        if (_slots.TryGetValue((variable, name), out var slot)) return slot;
        var shape = variable.Value.Shape.Select(d => d!.Value).ToArray();   // the runtime layout, as the gradients
        slot = new Variable(name, $"{Name}/{variable.Path.Replace('/', '_')}_{name}", Ops.Full(shape, initialValue, variable.DType), trainable: false);
        _slots[(variable, name)] = slot;
        return slot;
    }

    /// <summary>The arguments, with Keras's keys (a schedule is written in place of the learning rate, as Keras does).</summary>
    public virtual JsonObject GetConfig() => new()
    {
        ["name"] = Name, ["learning_rate"] = Schedule?.ToConfigJson() ?? LearningRate, ["weight_decay"] = WeightDecay,
        ["clipnorm"] = Clipnorm, ["clipvalue"] = Clipvalue, ["global_clipnorm"] = GlobalClipnorm,
    };

    /// <summary>
    /// Makes a <typeparamref name="T"/> from its Keras config, as the concrete optimizers' <c>FromConfig</c> do: the
    /// constructor's arguments by key, a <c>learning_rate</c> that is a schedule, and Keras's <c>weight_decay</c>.
    /// </summary>
    protected static T FromConfig<T>(Layers.LayerConfig config) where T : Optimizer
    {
        LearningRateSchedule? schedule = null;
        if (config.GetNode("learning_rate") is JsonObject scheduleEntry)
        {
            schedule = KerasRegistry.Deserialize<LearningRateSchedule>(scheduleEntry, config, "learning_rate");
            config.Json.Remove("learning_rate");
        }
        double? weightDecay = null;
        bool takesWeightDecay = typeof(T).GetConstructors().Any(c => c.GetParameters().Any(p => p.Name == "weightDecay"));
        if (!takesWeightDecay && config.GetNode("weight_decay") is not null)
        {
            weightDecay = config.Get<double>("weight_decay");
            config.Json.Remove("weight_decay");
        }
        var optimizer = config.Construct<T>();
        if (schedule is not null)
        {
            optimizer.Schedule = schedule;
            optimizer.LearningRate = schedule.Call(0);   // what the file's optimizer started from
        }
        if (weightDecay is not null) optimizer.WeightDecay = weightDecay;
        return optimizer;
    }

    /// <inheritdoc />
    public JsonNode? ToConfigJson() => new JsonObject { ["class_name"] = GetType().Name, ["config"] = GetConfig() };

    /// <summary>An optimizer by Keras name with Keras defaults: sgd, rmsprop, adam, adagrad.</summary>
    /// <exception cref="ArgumentException">Unknown name; the message lists the known ones.</exception>
    public static Optimizer Get(string name) => name.ToLowerInvariant() switch
    {
        "sgd" => new SGD(),
        "rmsprop" => new RMSprop(),
        "adam" => new Adam(),
        "adagrad" => new Adagrad(),
        "adamw" => new AdamW(),
        "adamax" => new Adamax(),
        "nadam" => new Nadam(),
        "adadelta" => new Adadelta(),
        "ftrl" => new Ftrl(),
        _ => throw new ArgumentException($"Could not interpret optimizer identifier: {name}. Known: sgd, rmsprop, adam, adamw, adagrad, adadelta, adamax, nadam, ftrl.", nameof(name)),
    };

    /// <summary>A Keras name converts to that optimizer with its defaults.</summary>
    public static implicit operator Optimizer(string name) => Get(name);
}
