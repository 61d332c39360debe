using System.Text.Json.Nodes;
using TfFunctional.Saving;

namespace TfFunctional.Optimizers;

/// <summary>A learning rate that depends on the optimizer's step, as Keras's LearningRateSchedule.</summary>
public abstract class LearningRateSchedule : IKerasSerializable
{
    /// <summary>The learning rate at <paramref name="step"/> (the optimizer's iterations so far).</summary>
    public abstract double Call(long step);

    /// <summary>The arguments, with Keras's keys.</summary>
    public abstract JsonObject GetConfig();

    /// <inheritdoc />
    public JsonNode? ToConfigJson() => new JsonObject { ["class_name"] = GetType().Name, ["config"] = GetConfig() };
}
