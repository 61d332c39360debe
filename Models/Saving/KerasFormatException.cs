namespace TfFunctional.Saving;

/// <summary>A model file or config that cannot be read: the message names the file and the offending entry.</summary>
public sealed class KerasFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public KerasFormatException(string message, Exception? inner = null) : base(message, inner) { }
}
