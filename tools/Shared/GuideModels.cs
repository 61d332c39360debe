using TfFunctional.Layers;

namespace TfFunctional.Tools.Shared;

/// <summary>Models of the Keras functional-API guide that several tools measure, built one way for all of them.</summary>
internal static class GuideModels
{
    /// <summary>The guide's Twitter model at full size: 100 tokens of a 10,000-word vocabulary, 5 extra features.</summary>
    public static Model Twitter()
    {
        Keras.ClearSession();
        var mainInput = Keras.Input(shape: [100], dtype: DType.Int32, name: "main_input");
        var x = new Embedding(inputDim: 10000, outputDim: 512, inputLength: 100).Call(mainInput);
        var lstmOut = new LSTM(32).Call(x);
        var auxOutput = new Dense(1, activation: "sigmoid", name: "aux_output").Call(lstmOut);
        var auxInput = Keras.Input(shape: [5], name: "aux_input");
        x = Keras.Layers.Concatenate([lstmOut, auxInput]);
        x = new Dense(64, activation: "relu").Call(x);
        x = new Dense(64, activation: "relu").Call(x);
        x = new Dense(64, activation: "relu").Call(x);
        var mainOutput = new Dense(1, activation: "sigmoid", name: "main_output").Call(x);
        return new Model([mainInput, auxInput], [mainOutput, auxOutput]);
    }
}
