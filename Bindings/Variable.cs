using TorchSharp;
using TorchTensor = TorchSharp.torch.Tensor;

namespace TfFunctional;

/// <summary>
/// A weight of a layer: a native tensor that lives outside every memory scope until the layer is disposed.
/// <see cref="Name"/> is Keras's short name (<c>kernel</c>), <see cref="Path"/> Keras 3's <c>variable.path</c>
/// (<c>dense/kernel</c>).
/// </summary>
public sealed class Variable : IDisposable
{
    private readonly Tensor _value;
    private bool _trainable;

    /// <summary>Creates a variable holding <paramref name="initialValue"/> (taken over, not copied).</summary>
    public Variable(string name, string path, Tensor initialValue, bool trainable = true)
    {
        Name = name;
        Path = path;
        var native = initialValue.Native.detach();
        // Weights must outlive the scope they were created in (a layer is often built inside a predict or step scope).
        native.DetachFromDisposeScope();
        _value = new Tensor(native);
        Trainable = trainable;
    }

    /// <summary>Keras's short name, e.g. <c>kernel</c>.</summary>
    public string Name { get; }

    /// <summary>Keras 3's path, e.g. <c>dense/kernel</c>.</summary>
    public string Path { get; internal set; }

    /// <summary>The shape.</summary>
    public Shape Shape => _value.Shape;

    /// <summary>The dtype.</summary>
    public DType DType => _value.DType;

    /// <summary>Whether optimizers update this variable (and gradients are recorded for it).</summary>
    public bool Trainable
    {
        get => _trainable;
        set
        {
            _trainable = value;
            if (_value.DType.IsFloating())
                _value.Native.requires_grad_(value);
        }
    }

    /// <summary>The current value. Owned by the variable: do not dispose it.</summary>
    public Tensor Value => _value;

    /// <summary>The gradient left by the last backward pass, or null.</summary>
    public Tensor? Gradient => _value.Native.grad is { } g ? new Tensor(g) : null;

    /// <summary>A variable reads as its current value.</summary>
    public static implicit operator Tensor(Variable variable) => variable._value;

    /// <summary>Copies <paramref name="value"/> into the variable without recording a gradient.</summary>
    /// <exception cref="ArgumentException">The shape differs.</exception>
    public void Assign(Tensor value)
    {
        if (value.Shape != Shape)
            throw new ArgumentException($"Cannot assign a value of shape {value.Shape} to variable '{Path}' of shape {Shape}.");
        using var noGrad = torch.no_grad();
        _value.Native.copy_(value.Native);
    }

    /// <summary>Copies a .NET array (in the variable's shape) into the variable.</summary>
    public void Assign(Array value)
    {
        using var scope = torch.NewDisposeScope();
        Assign(Ops.FromArray(value, DType));
    }

    /// <summary>Clears the stored gradient.</summary>
    public void ZeroGradient()
    {
        if (_value.Native.grad is { } g)
            g.zero_();
    }

    internal TorchTensor Native => _value.Native;

    /// <summary>Frees the native memory.</summary>
    public void Dispose() => _value.Dispose();

    /// <inheritdoc />
    public override string ToString() => $"<Variable path={Path}, shape={Shape}, dtype={DType.KerasName()}>";
}
