namespace TfFunctional.Layers;

/// <summary>
/// A layer with Keras's attention call arguments <c>return_attention_scores</c> and <c>use_causal_mask</c>. Here they
/// are properties of the layer, so model files carry them on each call node, where Keras writes them.
/// </summary>
internal interface IAttentionCallArguments
{
    string Name { get; }
    bool ReturnAttentionScores { get; }
    bool UseCausalMask { get; }

    /// <summary>Sets both from a file's call node, before the layer is called with them.</summary>
    void SetCallArguments(bool returnAttentionScores, bool useCausalMask);
}
