using TorchSharp;
using TorchTensor = TorchSharp.torch.Tensor;

namespace TfFunctional;

/// <summary>
/// libtorch's fused LSTM kernel holding a Keras LSTM's weights. Keras's gate order i, f, c, o is torch's i, f, g, o, so
/// the kernel (in, 4u) and recurrent kernel (u, 4u) are kept transposed, as torch computes with them, and torch's
/// second bias stays a zero constant: the weights mean exactly what Keras's mean.
/// </summary>
public sealed class FusedLstm : IDisposable
{
    private readonly TorchSharp.Modules.LSTM _module;
    private readonly TorchTensor _recurrentBias;

    /// <summary>Creates the kernel from Keras-layout initial values.</summary>
    public FusedLstm(int inputSize, int units, Tensor kernel, Tensor recurrentKernel, Tensor? bias, string pathPrefix, bool trainable)
    {
        _module = torch.nn.LSTM(inputSize, units, numLayers: 1, bias: true, batchFirst: true, device: Ops.Device);
        var weightIh = _module.get_parameter("weight_ih_l0")!;
        var weightHh = _module.get_parameter("weight_hh_l0")!;
        var biasIh = _module.get_parameter("bias_ih_l0")!;
        _recurrentBias = _module.get_parameter("bias_hh_l0")!;
        using (torch.no_grad())
        {
            weightIh.copy_(kernel.Native.t());
            weightHh.copy_(recurrentKernel.Native.t());
            if (bias is null) biasIh.zero_();
            else biasIh.copy_(bias.Native);
            _recurrentBias.zero_();
        }
        _recurrentBias.requires_grad_(false);
        _recurrentBias.DetachFromDisposeScope();
        Kernel = new Variable("kernel", $"{pathPrefix}/kernel", weightIh, trainable, [1, 0]);
        RecurrentKernel = new Variable("recurrent_kernel", $"{pathPrefix}/recurrent_kernel", weightHh, trainable, [1, 0]);
        Bias = bias is null ? null : new Variable("bias", $"{pathPrefix}/bias", biasIh, trainable, null);
        if (bias is null) biasIh.requires_grad_(false);
    }

    /// <summary>The input kernel, Keras shape (in, 4u).</summary>
    public Variable Kernel { get; }

    /// <summary>The recurrent kernel, Keras shape (u, 4u).</summary>
    public Variable RecurrentKernel { get; }

    /// <summary>The bias (4u), or null without bias (the fused kernel then adds zeros).</summary>
    public Variable? Bias { get; }

    /// <summary>Runs the whole sequence (batch, time, features); returns every output and the final h and c.</summary>
    public (Tensor Sequence, Tensor H, Tensor C) Forward(Tensor inputs, Tensor? initialH, Tensor? initialC)
    {
        (TorchTensor, TorchTensor)? state = initialH is null || initialC is null
            ? null
            : (initialH.Native.unsqueeze(0), initialC.Native.unsqueeze(0));
        var (sequence, h, c) = _module.call(inputs.Native, state);
        return (new Tensor(sequence), new Tensor(h.squeeze(0)), new Tensor(c.squeeze(0)));
    }

    /// <summary>Frees the native weights.</summary>
    public void Dispose() => _module.Dispose();
}
