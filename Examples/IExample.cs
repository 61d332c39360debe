namespace TfFunctional.Examples;

/// <summary>One runnable example: a translation of a Keras guide program.</summary>
internal interface IExample
{
    /// <summary>The name given on the command line.</summary>
    string Name { get; }

    /// <summary>One line for <c>list</c>.</summary>
    string Description { get; }

    /// <summary>Runs the example; returns 0 when every check it makes holds.</summary>
    int Run(ExampleOptions options);
}
