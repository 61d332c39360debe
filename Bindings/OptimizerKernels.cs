using TorchSharp;
using TorchTensor = TorchSharp.torch.Tensor;

namespace TfFunctional;

/// <summary>
/// In-place weight updates with Keras's rules (keras/src/optimizers/*.py), which differ from libtorch's optimizers:
/// epsilon placement, RMSprop's rho, SGD momentum sign, Adam's ε-hat form. Each runs without recording gradients.
/// </summary>
public static class OptimizerKernels
{
    /// <summary>SGD: <c>w −= lr·g</c>; with momentum <c>m = μm − lr·g; w += m</c> (Nesterov: <c>w += μm − lr·g</c>).</summary>
    public static void Sgd(Variable variable, Tensor gradient, Variable? momentumSlot, double learningRate, double momentum, bool nesterov)
    {
        using var noGrad = torch.no_grad();
        var w = variable.Native;
        var g = gradient.Native;
        if (momentumSlot is null)
        {
            w.add_(g, -learningRate);
            return;
        }
        var m = momentumSlot.Native;
        m.mul_(momentum).add_(g, -learningRate);
        if (nesterov)
        {
            using var step = m * momentum;
            w.add_(step).add_(g, -learningRate);
        }
        else
            w.add_(m);
    }

    /// <summary>RMSprop: <c>v = ρv + (1 − ρ)g²; w −= lr·g / √(v + ε)</c> (centered: <c>v − ḡ²</c>; with momentum).</summary>
    public static void RmsProp(Variable variable, Tensor gradient, Variable velocity, Variable? averageGradient, Variable? momentumSlot,
        double learningRate, double rho, double momentum, double epsilon)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var g = gradient.Native;
        var v = velocity.Native;
        v.mul_(rho).addcmul_(g, g, 1 - rho);
        // √(v + ε), or √(v − ḡ² + ε) when centered; then one fused w −= lr·g/√… (three passes, as libtorch's own).
        TorchTensor denominator;
        if (averageGradient is not null)
        {
            var a = averageGradient.Native;
            a.mul_(rho).add_(g, 1 - rho);
            denominator = v.addcmul(a, a, -1).add_(epsilon).sqrt_();
        }
        else
            denominator = v.add(epsilon).sqrt_();
        if (momentumSlot is not null)
        {
            var m = momentumSlot.Native;
            m.mul_(momentum).addcdiv_(g, denominator, learningRate);
            variable.Native.sub_(m);
        }
        else
            variable.Native.addcdiv_(g, denominator, -learningRate);
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
        var g = gradient.Native;
        double alpha = learningRate * Math.Sqrt(1 - Math.Pow(beta2, step)) / (1 - Math.Pow(beta1, step));
        m.Native.mul_(beta1).add_(g, 1 - beta1);
        v.Native.mul_(beta2).addcmul_(g, g, 1 - beta2);
        var second = v.Native;
        if (vMax is not null)
        {
            vMax.Native.copy_(torch.maximum(vMax.Native, v.Native));
            second = vMax.Native;
        }
        variable.Native.addcdiv_(m.Native, second.sqrt().add_(epsilon), -alpha);
    }

    /// <summary>Adagrad: <c>acc += g²; w −= lr·g / √(acc + ε)</c>.</summary>
    public static void Adagrad(Variable variable, Tensor gradient, Variable accumulator, double learningRate, double epsilon)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var g = gradient.Native;
        accumulator.Native.addcmul_(g, g, 1);
        variable.Native.addcdiv_(g, (accumulator.Native + epsilon).sqrt_(), -learningRate);
    }

    /// <summary>Multiplies a variable in place (decoupled weight decay).</summary>
    public static void Scale(Variable variable, double factor)
    {
        using var noGrad = torch.no_grad();
        variable.Native.mul_(factor);
    }

    /// <summary>Adamax: <c>m += (g − m)(1 − β₁); u = max(β₂u, |g|); w −= lr·m / ((1 − β₁ᵗ)(u + ε))</c>.</summary>
    public static void Adamax(Variable variable, Tensor gradient, Variable m, Variable u, long step, double learningRate, double beta1, double beta2, double epsilon)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var g = gradient.Native;
        m.Native.mul_(beta1).add_(g, 1 - beta1);
        u.Native.copy_(torch.maximum(u.Native * beta2, g.abs()));
        variable.Native.addcdiv_(m.Native, u.Native + epsilon, -learningRate / (1 - Math.Pow(beta1, step)));
    }

    /// <summary>Nadam with Keras's momentum schedule (decay 0.96); <paramref name="uProduct"/> is the running product including this step's μₜ.</summary>
    public static void Nadam(Variable variable, Tensor gradient, Variable m, Variable v, long step, double uProduct, double learningRate,
        double beta1, double beta2, double epsilon)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var g = gradient.Native;
        double ut = beta1 * (1 - 0.5 * Math.Pow(0.96, step));
        double utNext = beta1 * (1 - 0.5 * Math.Pow(0.96, step + 1));
        double productNext = uProduct * utNext;
        m.Native.mul_(beta1).add_(g, 1 - beta1);
        v.Native.mul_(beta2).addcmul_(g, g, 1 - beta2);
        var mHat = m.Native * (utNext / (1 - productNext)) + g * ((1 - ut) / (1 - uProduct));
        var vHat = v.Native / (1 - Math.Pow(beta2, step));
        variable.Native.addcdiv_(mHat, vHat.sqrt_().add_(epsilon), -learningRate);
    }

    /// <summary>Adadelta: running averages of g² and of updates² give a unit-correct step, times lr (Keras's rule).</summary>
    public static void Adadelta(Variable variable, Tensor gradient, Variable accumulatedGradient, Variable accumulatedDelta,
        double learningRate, double rho, double epsilon)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var g = gradient.Native;
        accumulatedGradient.Native.mul_(rho).addcmul_(g, g, 1 - rho);
        var delta = -(accumulatedDelta.Native + epsilon).sqrt_() / (accumulatedGradient.Native + epsilon).sqrt_() * g;
        accumulatedDelta.Native.mul_(rho).addcmul_(delta, delta, 1 - rho);
        variable.Native.add_(delta, learningRate);
    }

    /// <summary>FTRL-proximal with Keras's arguments (learning-rate power, L1, L2, L2 shrinkage, beta).</summary>
    public static void Ftrl(Variable variable, Tensor gradient, Variable accumulator, Variable linear, double learningRate, double power,
        double l1, double l2, double l2Shrinkage, double beta)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var g = gradient.Native;
        var w = variable.Native;
        double l2Regularization = l2 + beta / (2 * learningRate);
        var shrunk = l2Shrinkage > 0 ? g + w * (2 * l2Shrinkage) : g;
        var newAccumulator = accumulator.Native + g.square();
        linear.Native.add_(shrunk - (newAccumulator.pow(-power) - accumulator.Native.pow(-power)) / learningRate * w);
        var quadratic = newAccumulator.pow(-power) / learningRate + 2 * l2Regularization;
        var clipped = linear.Native.clamp(-l1, l1);
        w.copy_((clipped - linear.Native) / quadratic);
        accumulator.Native.copy_(newAccumulator);
    }

    /// <summary>Scales <paramref name="gradients"/> so their joint L2 norm is at most <paramref name="clipNorm"/> (Keras's global_clipnorm).</summary>
    public static IReadOnlyList<Tensor> ClipByGlobalNorm(IReadOnlyList<Tensor> gradients, double clipNorm)
    {
        var squares = gradients.Select(g => g.Native.square().sum()).ToArray();
        var norm = torch.stack(squares).sum().sqrt();
        var scale = clipNorm / torch.maximum(norm, torch.tensor(clipNorm, norm.dtype));
        return gradients.Select(g => new Tensor(g.Native * scale)).ToArray();
    }

    /// <summary>Scales one gradient so its L2 norm is at most <paramref name="clipNorm"/> (Keras's clipnorm).</summary>
    public static Tensor ClipByNorm(Tensor gradient, double clipNorm)
    {
        var norm = gradient.Native.square().sum().sqrt();
        return new Tensor(gradient.Native * clipNorm / torch.maximum(norm, torch.tensor(clipNorm, norm.dtype)));
    }
}
