namespace TfFunctional.Saving;

/// <summary>What a file tells about how to read it: the Keras version that wrote it and its backend.</summary>
/// <param name="KerasVersion">The <c>keras_version</c> attribute or metadata ("1" when absent, as Keras 1 wrote none).</param>
/// <param name="Backend">The <c>backend</c> attribute (tensorflow, theano, …).</param>
/// <param name="TfJs">True for a TF.js layers model (legacy hard sigmoid, GRU without reset_after).</param>
internal sealed record LoadOptions(string KerasVersion = "3", string Backend = "tensorflow", bool TfJs = false)
{
    /// <summary>The major version of Keras that wrote the file.</summary>
    public int KerasMajor => int.TryParse(KerasVersion.Split('.')[0], out int major) ? major : 2;

    /// <summary>Keras ≤ 2.x and TF.js mean <c>clip(0.2x + 0.5, 0, 1)</c> by hard_sigmoid.</summary>
    public bool LegacyHardSigmoid => TfJs || KerasMajor < 3;

    /// <summary>Theano kernels are spatially flipped and use channels_first.</summary>
    public bool Theano => Backend == "theano";
}
