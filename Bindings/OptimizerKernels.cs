using TorchSharp;
using TorchTensor = TorchSharp.torch.Tensor;
using static TfFunctional.NativeScalars;

namespace TfFunctional;

/// <summary>
/// In-place weight updates with Keras's rules (keras/src/optimizers/*.py), which differ from libtorch's optimizers:
/// epsilon placement, RMSprop's rho, SGD momentum sign, Adam's ε-hat form. Each runs without recording gradients.
/// </summary>
public static class OptimizerKernels
{
    // Every number passed to a kernel goes through a Scalar disposed here: TorchSharp's implicit conversions leave native
    // scalars to the finalizer, and those small blocks between freed gradient buffers fragment the native heap until a
    // garbage collection (resident memory grew by gigabytes over long training runs).

    /// <summary>SGD: <c>w −= lr·g</c>; with momentum <c>m = μm − lr·g; w += m</c> (Nesterov: <c>w += μm − lr·g</c>).</summary>
    public static void Sgd(Variable variable, Tensor gradient, Variable? momentumSlot, double learningRate, double momentum, bool nesterov)
    {
        using var noGrad = torch.no_grad();
        using Scalar minusLr = -learningRate, mu = momentum;
        var w = variable.Native;
        var g = gradient.Native;
        if (momentumSlot is null)
        {
            w.add_(g, minusLr);
            return;
        }
        var m = momentumSlot.Native;
        m.mul_(mu).add_(g, minusLr);
        if (nesterov)
        {
            using var step = m.mul(mu);
            w.add_(step, One).add_(g, minusLr);
        }
        else
            w.add_(m, One);
    }

    /// <summary>RMSprop: <c>v = ρv + (1 − ρ)g²; w −= lr·g / √(v + ε)</c> (centered: <c>v − ḡ²</c>; with momentum).</summary>
    public static void RmsProp(Variable variable, Tensor gradient, Variable velocity, Variable? averageGradient, Variable? momentumSlot,
        double learningRate, double rho, double momentum, double epsilon)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        using Scalar rhoValue = rho, oneMinusRho = 1 - rho, epsilonValue = epsilon, lr = learningRate, minusLr = -learningRate,
            mu = momentum, minusOne = -1;
        var g = gradient.Native;
        var v = velocity.Native;
        v.mul_(rhoValue).addcmul_(g, g, oneMinusRho);
        // √(v + ε), or √(v − ḡ² + ε) when centered; then one fused w −= lr·g/√… (three passes, as libtorch's own).
        TorchTensor denominator;
        if (averageGradient is not null)
        {
            var a = averageGradient.Native;
            a.mul_(rhoValue).add_(g, oneMinusRho);
            denominator = v.addcmul(a, a, minusOne).add_(epsilonValue, One).sqrt_();
        }
        else
            denominator = v.add(epsilonValue, One).sqrt_();
        if (momentumSlot is not null)
        {
            var m = momentumSlot.Native;
            m.mul_(mu).addcdiv_(g, denominator, lr);
            variable.Native.sub_(m);
        }
        else
            variable.Native.addcdiv_(g, denominator, minusLr);
    }

    /// <summary>
    /// Adam at step <paramref name="step"/> (1-based): <c>α = lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ); m += (g − m)(1 − β₁); v += (g² − v)(1 − β₂);
    /// w −= α·m/(√v + ε)</c>; with AMSGrad the running maximum of v.
    /// </summary>
    public static void Adam(Variable variable, Tensor gradient, Variable m, Variable v, Variable? vMax, long step,
        double learningRate, double beta1, double beta2, double epsilon)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        double alpha = learningRate * Math.Sqrt(1 - Math.Pow(beta2, step)) / (1 - Math.Pow(beta1, step));
        using Scalar b1 = beta1, oneMinusB1 = 1 - beta1, b2 = beta2, oneMinusB2 = 1 - beta2, epsilonValue = epsilon, minusAlpha = -alpha;
        var g = gradient.Native;
        m.Native.mul_(b1).add_(g, oneMinusB1);
        v.Native.mul_(b2).addcmul_(g, g, oneMinusB2);
        var second = v.Native;
        if (vMax is not null)
        {
            vMax.Native.copy_(torch.maximum(vMax.Native, v.Native));
            second = vMax.Native;
        }
        variable.Native.addcdiv_(m.Native, second.sqrt().add_(epsilonValue, One), minusAlpha);
    }

    /// <summary>Adagrad: <c>acc += g²; w −= lr·g / √(acc + ε)</c>.</summary>
    public static void Adagrad(Variable variable, Tensor gradient, Variable accumulator, double learningRate, double epsilon)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        using Scalar one = 1, epsilonValue = epsilon, minusLr = -learningRate;
        var g = gradient.Native;
        accumulator.Native.addcmul_(g, g, one);
        variable.Native.addcdiv_(g, accumulator.Native.add(epsilonValue, One).sqrt_(), minusLr);
    }

    /// <summary>Multiplies a variable in place (decoupled weight decay).</summary>
    public static void Scale(Variable variable, double factor)
    {
        using var noGrad = torch.no_grad();
        using Scalar factorValue = factor;
        variable.Native.mul_(factorValue);
    }

    /// <summary>Adamax: <c>m += (g − m)(1 − β₁); u = max(β₂u, |g|); w −= lr·m / ((1 − β₁ᵗ)(u + ε))</c>.</summary>
    public static void Adamax(Variable variable, Tensor gradient, Variable m, Variable u, long step, double learningRate, double beta1, double beta2, double epsilon)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        using Scalar b1 = beta1, oneMinusB1 = 1 - beta1, b2 = beta2, epsilonValue = epsilon,
            minusStep = -learningRate / (1 - Math.Pow(beta1, step));
        var g = gradient.Native;
        m.Native.mul_(b1).add_(g, oneMinusB1);
        u.Native.copy_(torch.maximum(u.Native.mul(b2), g.abs()));
        variable.Native.addcdiv_(m.Native, u.Native.add(epsilonValue, One), minusStep);
    }

    /// <summary>Nadam with Keras's momentum schedule (decay 0.96); <paramref name="uProduct"/> is the running product including this step's μₜ.</summary>
    public static void Nadam(Variable variable, Tensor gradient, Variable m, Variable v, long step, double uProduct, double learningRate,
        double beta1, double beta2, double epsilon)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        double ut = beta1 * (1 - 0.5 * Math.Pow(0.96, step));
        double utNext = beta1 * (1 - 0.5 * Math.Pow(0.96, step + 1));
        double productNext = uProduct * utNext;
        using Scalar b1 = beta1, oneMinusB1 = 1 - beta1, b2 = beta2, oneMinusB2 = 1 - beta2, epsilonValue = epsilon, minusLr = -learningRate,
            momentumWeight = utNext / (1 - productNext), gradientWeight = (1 - ut) / (1 - uProduct), secondScale = 1 - Math.Pow(beta2, step);
        var g = gradient.Native;
        m.Native.mul_(b1).add_(g, oneMinusB1);
        v.Native.mul_(b2).addcmul_(g, g, oneMinusB2);
        var mHat = m.Native.mul(momentumWeight).add_(g.mul(gradientWeight), One);
        var vHat = v.Native.div(secondScale);
        variable.Native.addcdiv_(mHat, vHat.sqrt_().add_(epsilonValue, One), minusLr);
    }

    /// <summary>Adadelta: running averages of g² and of updates² give a unit-correct step, times lr (Keras's rule).</summary>
    public static void Adadelta(Variable variable, Tensor gradient, Variable accumulatedGradient, Variable accumulatedDelta,
        double learningRate, double rho, double epsilon)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        using Scalar rhoValue = rho, oneMinusRho = 1 - rho, epsilonValue = epsilon, lr = learningRate;
        var g = gradient.Native;
        accumulatedGradient.Native.mul_(rhoValue).addcmul_(g, g, oneMinusRho);
        var delta = accumulatedDelta.Native.add(epsilonValue, One).sqrt_().div_(accumulatedGradient.Native.add(epsilonValue, One).sqrt_()).mul_(g).neg_();
        accumulatedDelta.Native.mul_(rhoValue).addcmul_(delta, delta, oneMinusRho);
        variable.Native.add_(delta, lr);
    }

    /// <summary>FTRL-proximal with Keras's arguments (learning-rate power, L1, L2, L2 shrinkage, beta).</summary>
    public static void Ftrl(Variable variable, Tensor gradient, Variable accumulator, Variable linear, double learningRate, double power,
        double l1, double l2, double l2Shrinkage, double beta)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        double l2Regularization = l2 + beta / (2 * learningRate);
        using Scalar shrinkage = 2 * l2Shrinkage, minusPower = -power, lr = learningRate, twiceL2 = 2 * l2Regularization,
            minusL1 = -l1, plusL1 = l1;
        var g = gradient.Native;
        var w = variable.Native;
        var shrunk = l2Shrinkage > 0 ? g.add(w.mul(shrinkage), One) : g;
        var newAccumulator = accumulator.Native.add(g.square(), One);
        linear.Native.add_(shrunk.sub(newAccumulator.pow(minusPower).sub(accumulator.Native.pow(minusPower)).div(lr).mul(w)), One);
        var quadratic = newAccumulator.pow(minusPower).div(lr).add(twiceL2, One);
        var clipped = linear.Native.clamp(minusL1, plusL1);
        w.copy_(clipped.sub(linear.Native).div(quadratic));
        accumulator.Native.copy_(newAccumulator);
    }

    /// <summary>Scales <paramref name="gradients"/> so their joint L2 norm is at most <paramref name="clipNorm"/> (Keras's global_clipnorm).</summary>
    public static IReadOnlyList<Tensor> ClipByGlobalNorm(IReadOnlyList<Tensor> gradients, double clipNorm)
    {
        var squares = gradients.Select(g => g.Native.square().sum()).ToArray();
        var norm = torch.stack(squares).sum().sqrt();
        var limit = torch.tensor(clipNorm, norm.dtype);
        var scale = limit.div(torch.maximum(norm, limit));
        return gradients.Select(g => new Tensor(g.Native * scale)).ToArray();
    }

    /// <summary>Scales one gradient so its L2 norm is at most <paramref name="clipNorm"/> (Keras's clipnorm).</summary>
    public static Tensor ClipByNorm(Tensor gradient, double clipNorm)
    {
        var norm = gradient.Native.square().sum().sqrt();
        var limit = torch.tensor(clipNorm, norm.dtype);
        return new Tensor(gradient.Native * limit.div(torch.maximum(norm, limit)));
    }
}
