namespace TfFunctional.Saving;

/// <summary>
/// An object in a config that a file format may be unable to express (a C# function, a meaning that only one Keras
/// version has). <c>Save</c> asks every object of every layer before the target file is touched.
/// </summary>
internal interface ISaveCheck
{
    /// <summary>Why <paramref name="format"/> cannot record this object, as a clause ("its activation is …"), or null.</summary>
    string? ProblemIn(ConfigFormat format);
}
