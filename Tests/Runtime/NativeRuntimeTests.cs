using TfFunctional.Bindings.Native;

namespace TfFunctional.Tests.Runtime;

public class NativeRuntimeTests
{
    [Test]
    public void NativeLibraryLoadsAndMultipliesMatrices()
    {
        NativeRuntime.EnsureLoaded();
        using var a = Tensor.From(new float[,] { { 1, 2 }, { 3, 4 } });
        using var b = Tensor.From(new float[,] { { 5, 6 }, { 7, 8 } });
        using var product = Ops.Matmul(a, b);
        Assert.That(product.ToArray<float>(), Is.EqualTo(new float[] { 19, 22, 43, 50 }));
    }

    [Test]
    public void AutogradComputesTheGradientOfASquare()
    {
        using var scope = Ops.NewScope();
        var x = Ops.RequiresGrad(Tensor.From(new float[] { 1, -2, 3 }, 3));
        var y = Ops.Sum(Ops.Square(x));
        var gradient = Ops.Gradients(y, [x])[0]!;
        Assert.That(gradient.ToArray<float>(), Is.EqualTo(new float[] { 2, -4, 6 }));
    }

    [Test]
    public void EveryOutputCopyOfTheShimIsPatched()
    {
        string folder = AppContext.BaseDirectory;
        var copies = Directory.GetFiles(folder, "libLibTorchSharp.so", SearchOption.AllDirectories);
        Assert.That(copies, Is.Not.Empty, "the build output holds no copy of libLibTorchSharp.so");
        foreach (string copy in copies)
        {
            byte[] image = File.ReadAllBytes(copy);
            Assert.That(ElfVersionPatcher.Patch(image), Is.EqualTo(ElfPatchOutcome.AlreadyWeak), copy);
        }
    }
}
