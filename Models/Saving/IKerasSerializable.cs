using System.Text.Json.Nodes;

namespace TfFunctional.Saving;

/// <summary>An object that appears in a layer's config in Keras's serialized form.</summary>
public interface IKerasSerializable
{
    /// <summary>The Keras form: a name (<c>"relu"</c>) or <c>{"class_name": ..., "config": {...}}</c>.</summary>
    JsonNode? ToConfigJson();
}
