using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using static TorchSharp.torch.nn.functional;
using TorchTensor = TorchSharp.torch.Tensor;

namespace TfFunctional.Benchmarks;

/// <summary>The guide's Twitter model written by hand in TorchSharp (as ../shared/bench/baseline does it).</summary>
internal sealed class HandWrittenTwitter : Module<TorchTensor, TorchTensor, (TorchTensor Main, TorchTensor Aux)>
{
    private readonly TorchSharp.Modules.Embedding _embedding = Embedding(10000, 512);
    private readonly TorchSharp.Modules.LSTM _lstm = LSTM(512, 32, batchFirst: true);
    private readonly TorchSharp.Modules.Linear _aux = Linear(32, 1), _d1 = Linear(37, 64), _d2 = Linear(64, 64), _d3 = Linear(64, 64), _main = Linear(64, 1);

    public HandWrittenTwitter() : base(nameof(HandWrittenTwitter)) => RegisterComponents();

    public override (TorchTensor Main, TorchTensor Aux) forward(TorchTensor tokens, TorchTensor auxInput)
    {
        var (_, h, _) = _lstm.call(_embedding.call(tokens));
        var last = h[0];
        var aux = torch.sigmoid(_aux.call(last));
        var x = relu(_d1.call(cat([last, auxInput], 1)));
        x = relu(_d3.call(relu(_d2.call(x))));
        return (torch.sigmoid(_main.call(x)), aux);
    }
}

/// <summary>The guide's VQA model written by hand in TorchSharp: channels_last VGG-like vision part, embedding and LSTM.</summary>
internal sealed class HandWrittenVqa : Module<TorchTensor, TorchTensor, TorchTensor>
{
    private readonly TorchSharp.Modules.Conv2d _c1 = Conv2d(3, 64, 3, Padding.Same), _c2 = Conv2d(64, 64, 3);
    private readonly TorchSharp.Modules.Conv2d _c3 = Conv2d(64, 128, 3, Padding.Same), _c4 = Conv2d(128, 128, 3);
    private readonly TorchSharp.Modules.Conv2d _c5 = Conv2d(128, 256, 3, Padding.Same), _c6 = Conv2d(256, 256, 3), _c7 = Conv2d(256, 256, 3);
    private readonly TorchSharp.Modules.Embedding _embedding = Embedding(10000, 256);
    private readonly TorchSharp.Modules.LSTM _lstm = LSTM(256, 256, batchFirst: true);
    private readonly TorchSharp.Modules.Linear _output = Linear(25 * 25 * 256 + 256, 1000);

    public HandWrittenVqa() : base(nameof(HandWrittenVqa)) => RegisterComponents();

    public override TorchTensor forward(TorchTensor image, TorchTensor question)
    {
        var x = image.permute(0, 3, 1, 2);
        x = max_pool2d(relu(_c2.call(relu(_c1.call(x)))), 2);
        x = max_pool2d(relu(_c4.call(relu(_c3.call(x)))), 2);
        x = max_pool2d(relu(_c7.call(relu(_c6.call(relu(_c5.call(x)))))), 2);
        var features = x.permute(0, 2, 3, 1).reshape(x.shape[0], -1);
        var (_, h, _) = _lstm.call(_embedding.call(question));
        return softmax(_output.call(cat([h[0], features], 1)), 1);
    }
}
