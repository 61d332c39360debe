using TfFunctional.Activations;

namespace TfFunctional.Tests.Layers;

/// <summary>Every named activation against its formula, evaluated in double precision here.</summary>
public class ActivationTests
{
    private static readonly float[] Inputs = [-4f, -1.5f, -0.5f, 0f, 0.25f, 1f, 2.5f, 7f];

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private static double Erf(double x)
    {
        // Numerical Recipes erfc approximation (fractional error below 1.2e-7).
        double t = 1 / (1 + 0.5 * Math.Abs(x));
        double y = 1 - t * Math.Exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
            + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? y : -y;
    }

    private static IEnumerable<TestCaseData> Cases()
    {
        const double alpha = 1.6732632423543772, scale = 1.0507009873554805;
        yield return new TestCaseData("linear", (Func<double, double>)(x => x));
        yield return new TestCaseData("relu", (Func<double, double>)(x => Math.Max(0, x)));
        yield return new TestCaseData("relu6", (Func<double, double>)(x => Math.Clamp(x, 0, 6)));
        yield return new TestCaseData("sigmoid", (Func<double, double>)Sigmoid);
        yield return new TestCaseData("tanh", (Func<double, double>)Math.Tanh);
        yield return new TestCaseData("elu", (Func<double, double>)(x => x > 0 ? x : Math.Exp(x) - 1));
        yield return new TestCaseData("selu", (Func<double, double>)(x => scale * (x > 0 ? x : alpha * (Math.Exp(x) - 1))));
        yield return new TestCaseData("softplus", (Func<double, double>)(x => Math.Log(Math.Exp(x) + 1)));
        yield return new TestCaseData("softsign", (Func<double, double>)(x => x / (Math.Abs(x) + 1)));
        yield return new TestCaseData("hard_sigmoid", (Func<double, double>)(x => Math.Clamp(x + 3, 0, 6) / 6));
        yield return new TestCaseData("exponential", (Func<double, double>)Math.Exp);
        yield return new TestCaseData("gelu", (Func<double, double>)(x => 0.5 * x * (1 + Erf(x / Math.Sqrt(2)))));
        yield return new TestCaseData("swish", (Func<double, double>)(x => x * Sigmoid(x)));
        yield return new TestCaseData("silu", (Func<double, double>)(x => x * Sigmoid(x)));
        yield return new TestCaseData("leaky_relu", (Func<double, double>)(x => x >= 0 ? x : 0.2 * x));
    }

    [TestCaseSource(nameof(Cases))]
    public void ActivationLayerComputesTheFormula(string name, Func<double, double> formula)
    {
        var layer = new Activation(name);
        using var x = Tensor.From(Inputs, 2, 4);
        using var y = layer.Call(x);
        var expected = Inputs.Select(v => formula(v)).ToArray();
        Assert.That(y.ToArray<float>(), Is.EqualTo(expected).Within(1e-4).Percent.Or.EqualTo(expected).Within(1e-6));
    }

    [Test]
    public void SoftmaxNormalisesTheLastAxis()
    {
        using var x = Tensor.From(new float[] { 1, 2, 3, -1, 0, 1 }, 2, 3);
        using var y = new Activation("softmax").Call(x);
        var expected = Reference.Flatten(Reference.SoftmaxRows(new double[,] { { 1, 2, 3 }, { -1, 0, 1 } }));
        Assert.That(y.ToArray<float>(), Is.EqualTo(expected).Within(1e-6));
    }

    [Test]
    public void LegacyHardSigmoidIsTheKerasTwoFormula()
    {
        using var x = Tensor.From(Inputs, 8);
        using var y = ActivationFunction.HardSigmoidLegacy.Apply(x);
        Assert.That(y.ToArray<float>(), Is.EqualTo(Inputs.Select(v => Math.Clamp(0.2 * v + 0.5, 0, 1))).Within(1e-6));
    }

    [Test]
    public void AFunctionIsAnActivationToo()
    {
        var layer = new Dense(1, activation: (Func<Tensor, Tensor>)(t => Ops.Multiply(t, 3.0)), kernelInitializer: "ones");
        using var x = Tensor.From(new float[] { 1, 2 }, 1, 2);
        using var y = layer.Call(x);
        Assert.That(y.ToArray<float>(), Is.EqualTo(new[] { 9f }));
    }

    [Test]
    public void UnknownNamesListTheKnownOnes()
    {
        var error = Assert.Throws<ArgumentException>(() => new Activation("relu7"))!;
        Assert.That(error.Message, Does.StartWith("Could not interpret activation function identifier: relu7. Known: linear, relu,"));
    }
}
