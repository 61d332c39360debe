global using NUnit.Framework;
global using TfFunctional;
global using TfFunctional.Layers;
