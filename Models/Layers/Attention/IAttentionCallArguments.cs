namespace TfFunctional.Layers;

/// <summary>
/// A layer with Keras's attention call arguments <c>return_attention_scores</c> and <c>use_causal_mask</c>. Here they
/// are properties of the layer, set by its constructor or by its first call, so every call of one layer shares them;
/// model files carry them on each call node, where Keras writes them.
/// </summary>
internal interface IAttentionCallArguments
{
    string Name { get; }
    bool ReturnAttentionScores { get; }
    bool UseCausalMask { get; }
    IReadOnlyList<Node> InboundNodes { get; }

    /// <summary>Sets both, before the layer is called with them.</summary>
    void SetCallArguments(bool returnAttentionScores, bool useCausalMask);

    /// <summary>Applies the arguments of a call (null: as the layer has them); a layer already called keeps its own.</summary>
    /// <exception cref="ArgumentException">The layer was already called with other values.</exception>
    void ApplyCallArguments(bool? returnAttentionScores, bool? useCausalMask)
    {
        bool scores = returnAttentionScores ?? ReturnAttentionScores, causal = useCausalMask ?? UseCausalMask;
        if (scores == ReturnAttentionScores && causal == UseCausalMask) return;
        if (InboundNodes.Count > 0)
            throw new ArgumentException(
                $"Layer \"{Name}\" was already called with return_attention_scores={Python(ReturnAttentionScores)}, use_causal_mask={Python(UseCausalMask)}. " +
                "TfFunctional keeps these call arguments per layer: every call of one layer uses the same values.");
        SetCallArguments(scores, causal);
    }

    private static string Python(bool value) => value ? "True" : "False";
}
