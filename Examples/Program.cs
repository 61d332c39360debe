using System.Globalization;
using TfFunctional.Examples;

// dotnet run --project Examples -c Release -- <name> [--quick] [--epochs N] [--samples N] [--out DIR] [--seed N]
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var examples = ExampleCatalog.All;

if (args.Length == 0 || args[0] is "list" or "--help" or "-h")
{
    Console.WriteLine("Examples (dotnet run --project Examples -c Release -- <name> [--quick] [--epochs N] [--samples N] [--out DIR]):");
    foreach (var example in examples) Console.WriteLine($"  {example.Name,-16} {example.Description}");
    return args.Length == 0 ? 1 : 0;
}
var chosen = examples.FirstOrDefault(e => e.Name == args[0]);
if (chosen is null)
{
    Console.Error.WriteLine($"Unknown example '{args[0]}'. Run with 'list' to see them.");
    return 2;
}
var options = ExampleOptions.Parse(args.Skip(1).ToArray());
TfFunctional.Keras.Utils.SetRandomSeed(options.Seed);   // initial weights, dropout and shuffling: the same run every time
return chosen.Run(options);
