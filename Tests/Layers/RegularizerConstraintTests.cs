using TfFunctional.Constraints;
using TfFunctional.Regularizers;

namespace TfFunctional.Tests.Layers;

public class RegularizerConstraintTests
{
    [SetUp]
    public void ClearNames() => Keras.ClearSession();

    [Test]
    public void WeightPenaltiesAreCollectedAsModelLosses()
    {
        var x = Keras.Input(shape: [2]);
        var hidden = new Dense(2, kernelRegularizer: new L2(0.1), biasRegularizer: new L1(0.5));
        var output = new Dense(1, kernelRegularizer: new L1L2(l1: 0.2, l2: 0.3));
        var model = new Model(x, output.Call(hidden.Call(x)));
        hidden.SetWeights([new float[,] { { 1, -2 }, { 3, 0.5f } }, new float[] { -1, 2 }]);
        output.SetWeights([new float[,] { { -1 }, { 2 } }, new float[] { 7 }]);

        var losses = model.Losses.Select(Ops.Item).ToArray();
        double hiddenKernel = 0.1 * (1 + 4 + 9 + 0.25), hiddenBias = 0.5 * 3, outputKernel = 0.2 * 3 + 0.3 * 5;
        Assert.That(losses, Is.EqualTo(new[] { hiddenKernel, hiddenBias, outputKernel }).Within(1e-6));
    }

    [Test]
    public void ActivityPenaltyIsAddedWhileTraining()
    {
        var dense = new Dense(2, kernelInitializer: "ones", activityRegularizer: new L1(0.5));
        var context = new CallContext(training: true);
        using var scope = Ops.NewScope();
        using var x = Tensor.From(new float[] { 1, 2, -3, 1 }, 2, 2);
        dense.Build(null, 2);
        // Outputs (3, 3) and (−2, −2): L1 sum 10, times 0.5, divided by the batch size 2 (Keras 3).
        var method = typeof(Layer).GetMethod("Invoke", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;
        method.Invoke(dense, [new[] { x }, false, context]);
        Assert.That(context.Losses.Select(Ops.Item), Is.EqualTo(new[] { 2.5 }).Within(1e-6));
    }

    [Test]
    public void MaxNormRescalesLongColumns()
    {
        // Columns (3, 4) with norm 5 and (0.3, 0.4) with norm 0.5; max norm 2 over axis 0.
        using var w = Tensor.From(new float[] { 3, 0.3f, 4, 0.4f }, 2, 2);
        using var projected = new MaxNorm(2.0).Call(w);
        double shrink = 2 / (5 + 1e-7), keep = 0.5 / (0.5 + 1e-7);
        Assert.That(projected.ToArray<float>(), Is.EqualTo(new[] { 3 * shrink, 0.3 * keep, 4 * shrink, 0.4 * keep }).Within(1e-6));
    }

    [Test]
    public void UnitNormNonNegAndMinMaxNorm()
    {
        using var w = Tensor.From(new float[] { 3, -1, 4, 2 }, 2, 2);
        using var unit = new UnitNorm().Call(w);
        double n1 = 5, n2 = Math.Sqrt(5);
        Assert.That(unit.ToArray<float>(), Is.EqualTo(new[] { 3 / n1, -1 / n2, 4 / n1, 2 / n2 }).Within(1e-6));
        using var nonNeg = new NonNeg().Call(w);
        Assert.That(nonNeg.ToArray<float>(), Is.EqualTo(new[] { 3f, 0, 4, 2 }));
        using var minMax = new MinMaxNorm(minValue: 3, maxValue: 4, rate: 0.5).Call(w);
        double d1 = 0.5 * 4 + 0.5 * n1, d2 = 0.5 * 3 + 0.5 * n2;
        Assert.That(minMax.ToArray<float>(), Is.EqualTo(new[] { 3 * d1 / n1, -1 * d2 / n2, 4 * d1 / n1, 2 * d2 / n2 }).Within(1e-5));
    }

    [Test]
    public void ConstraintsApplyToTheirWeights()
    {
        var dense = new Dense(2, kernelConstraint: new NonNeg());
        dense.Build(null, 2);
        dense.SetWeights([new float[,] { { -1, 2 }, { 3, -4 } }, new float[] { -1, -1 }]);
        dense.ApplyConstraints();
        var weights = dense.GetWeights();
        Assert.That(weights[0], Is.EqualTo(new float[,] { { 0, 2 }, { 3, 0 } }));
        Assert.That(weights[1], Is.EqualTo(new float[] { -1, -1 }));
    }

    [Test]
    public void ConfigsHaveKerasForms()
    {
        Assert.That(new MaxNorm(3).ToConfigJson()!.ToJsonString(), Is.EqualTo("{\"class_name\":\"MaxNorm\",\"config\":{\"max_value\":3,\"axis\":0}}"));
        Assert.That(Regularizer.Get("l1_l2"), Is.TypeOf<L1L2>());
        Assert.That(Constraint.Get("unit_norm"), Is.TypeOf<UnitNorm>());
    }
}
