namespace TfFunctional.Callbacks;

/// <summary>
/// The base of training callbacks, with Keras's hooks. <c>logs</c> hold the metrics under Keras's names;
/// set <see cref="Model.StopTraining"/> to end <c>Fit</c> after the current epoch.
/// </summary>
public abstract class Callback
{
    /// <summary>The model being trained (set by Fit).</summary>
    public Model? Model { get; internal set; }

    /// <summary>Called once before the first epoch.</summary>
    public virtual void OnTrainBegin(IReadOnlyDictionary<string, double> logs) { }

    /// <summary>Called once after the last epoch.</summary>
    public virtual void OnTrainEnd(IReadOnlyDictionary<string, double> logs) { }

    /// <summary>Called at the start of each epoch (0-based).</summary>
    public virtual void OnEpochBegin(int epoch, IReadOnlyDictionary<string, double> logs) { }

    /// <summary>Called at the end of each epoch with its training and validation metrics.</summary>
    public virtual void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs) { }

    /// <summary>Called before each training batch.</summary>
    public virtual void OnTrainBatchBegin(int batch, IReadOnlyDictionary<string, double> logs) { }

    /// <summary>Called after each training batch with the running metrics.</summary>
    public virtual void OnTrainBatchEnd(int batch, IReadOnlyDictionary<string, double> logs) { }
}
