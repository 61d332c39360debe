using System.Text.Json.Nodes;
using TfFunctional.Saving;

namespace TfFunctional.Tests.Saving;

/// <summary>The upgrade step writes every dialect's inbound nodes in Keras 3's form, the only one the model builder reads.</summary>
public class CanonicalNodeTests
{
    [Test]
    public void Keras2NodesBecomeKeras3Nodes()
    {
        // A Keras 2 functional config: a nested model (its calls numbered from 1), a two-input merge, and an LSTM whose
        // initial state Keras 2 wrote into the reference's kwargs, beside training=False.
        var config = JsonNode.Parse("""
            {"class_name": "Functional", "config": {"name": "m", "layers": [
              {"class_name": "InputLayer", "name": "x", "config": {"name": "x", "batch_input_shape": [null, 4, 3]}, "inbound_nodes": []},
              {"class_name": "Functional", "name": "inner", "config": {"name": "inner", "layers": [], "input_layers": [], "output_layers": []},
               "inbound_nodes": [[["x", 0, 0, {}]]]},
              {"class_name": "Add", "name": "add", "config": {"name": "add"}, "inbound_nodes": [[["inner", 1, 0, {}], ["x", 0, 0, {}]]]},
              {"class_name": "LSTM", "name": "lstm", "config": {"name": "lstm", "units": 2},
               "inbound_nodes": [[["add", 0, 0, {"training": false, "initial_state": [["h", 0, 0], ["c", 0, 0]]}]]]}],
              "input_layers": [["x", 0, 0]], "output_layers": [["lstm", 0, 0]]}}
            """)!.AsObject();
        var upgraded = ConfigUpgrade.Upgrade(config, new LoadOptions("2.15.0"));
        var layers = upgraded["config"]!["layers"]!.AsArray();
        static string Tensor(string name, int node) =>
            $"{{\"class_name\":\"__keras_tensor__\",\"config\":{{\"keras_history\":[\"{name}\",{node},0]}}}}";
        Assert.That(layers[1]!["inbound_nodes"]!.ToJsonString(), Is.EqualTo($"[{{\"args\":[{Tensor("x", 0)}],\"kwargs\":{{}}}}]"));
        Assert.That(layers[2]!["inbound_nodes"]!.ToJsonString(), Is.EqualTo($"[{{\"args\":[[{Tensor("inner", 0)},{Tensor("x", 0)}]],\"kwargs\":{{}}}}]"),
            "a nested model's first call is node 1 in Keras 2 and node 0 in Keras 3");
        Assert.That(layers[3]!["inbound_nodes"]!.ToJsonString(), Is.EqualTo(
            $"[{{\"args\":[{Tensor("add", 0)}],\"kwargs\":{{\"training\":false,\"initial_state\":[{Tensor("h", 0)},{Tensor("c", 0)}]}}}}]"));
        Assert.That(upgraded["config"]!["output_layers"]!.ToJsonString(), Is.EqualTo("[[\"lstm\",0,0]]"), "endpoints keep their form");
    }

    [Test]
    public void Keras3NodesAreLeftAsTheyAre()
    {
        var node = """{"args":[{"class_name":"__keras_tensor__","config":{"shape":[null,3],"dtype":"float32","keras_history":["x",0,0]}}],"kwargs":{"mask":null}}""";
        var config = JsonNode.Parse("""
            {"class_name": "Functional", "config": {"name": "m", "layers": [
              {"class_name": "Dense", "name": "d", "config": {"name": "d", "units": 1}, "inbound_nodes": [NODE]}],
              "input_layers": [], "output_layers": []}}
            """.Replace("NODE", node))!.AsObject();
        var upgraded = ConfigUpgrade.Upgrade(config, new LoadOptions("3.6.0"));
        Assert.That(upgraded["config"]!["layers"]![0]!["inbound_nodes"]![0]!.ToJsonString(), Is.EqualTo(node));
    }
}
