using System.Globalization;
using TfFunctional.Cli;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
return ModelTool.Run(args, Console.Out, Console.Error);
