using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using static TorchSharp.torch.nn.functional;
using TorchTensor = TorchSharp.torch.Tensor;

namespace TfFunctional.Benchmarks;

/// <summary>784-64-64-10 written by hand in TorchSharp, as ../shared/bench/baseline does it: the yardstick.</summary>
internal sealed class HandWrittenMlp : Module<TorchTensor, TorchTensor>
{
    private readonly TorchSharp.Modules.Linear _d1 = Linear(784, 64), _d2 = Linear(64, 64), _d3 = Linear(64, 10);

    public HandWrittenMlp() : base(nameof(HandWrittenMlp))
    {
        RegisterComponents();
        eval();
    }

    public override TorchTensor forward(TorchTensor x) => softmax(_d3.call(relu(_d2.call(relu(_d1.call(x))))), 1);

    /// <summary>One inference call as a careful hand-written service would make it.</summary>
    public TorchTensor Predict(TorchTensor x)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        return forward(x).MoveToOuterDisposeScope();
    }
}
