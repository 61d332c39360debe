namespace TfFunctional.Saving;

/// <summary>
/// What one read of a model file gives: the model with its weights, and the training configuration the file recorded
/// (Keras 3's <c>compile_config</c>, Keras 2's <c>training_config</c>) as its JSON text, parsed only when asked for,
/// so that <c>LoadModel(compile: true)</c> opens the file once and takes both from the same bytes.
/// </summary>
internal sealed record ModelFile(Model Model, string? TrainingConfigJson = null);
