using Interp.Models.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace Interp.Models;

/// <summary>
/// Copies the weights of a CNTK-exported ResNet ONNX graph into a <see cref="ResNet"/>. CNTK's
/// initializer names carry no meaning (<c>Parameter91</c>), so parameters are matched by graph
/// structure: every residual <c>Add</c> is a block, traced back through its two convolutions and an
/// optional 1×1 shortcut convolution.
/// </summary>
public static class CntkResNetConverter
{
    sealed record ConvBn(OnnxNode Conv, OnnxNode Bn);

    /// <summary>The ResNet parameters (torchvision names) for a model with <paramref name="blocks"/> blocks per stage, read from <paramref name="onnx"/>.</summary>
    public static Dictionary<string, Tensor> StateDict(OnnxModel onnx, IReadOnlyList<int> blocks)
    {
        var producer = new Dictionary<string, OnnxNode>();
        foreach (var n in onnx.Nodes) foreach (var o in n.Outputs) producer[o] = n;

        OnnxNode Producer(string tensor, string op) =>
            producer.TryGetValue(tensor, out var n) && n.OpType == op
                ? n
                : throw new InvalidDataException($"Unexpected ResNet graph: '{tensor}' should come from a {op} node but comes from " +
                    $"{(producer.TryGetValue(tensor, out var m) ? m.OpType : "a graph input")}.");
        ConvBn ConvBnBefore(string tensor)
        {
            var bn = Producer(tensor, "BatchNormalization");
            return new ConvBn(Producer(bn.Inputs[0], "Conv"), bn);
        }

        var state = new Dictionary<string, Tensor>();
        var stem = onnx.Nodes.First(n => n.OpType == "Conv");
        var stemBn = onnx.Nodes.First(n => n.OpType == "BatchNormalization" && n.Inputs[0] == stem.Outputs[0]);
        Put(state, onnx, "conv1", "bn1", new ConvBn(stem, stemBn));

        var adds = onnx.Nodes.Where(n => n.OpType == "Add").ToList();
        int expected = blocks.Sum();
        if (adds.Count != expected)
            throw new InvalidDataException($"The ONNX graph has {adds.Count} residual blocks but the model expects {expected} ([{string.Join(",", blocks)}]).");
        int a = 0;
        for (int stage = 0; stage < 4; stage++)
            for (int b = 0; b < blocks[stage]; b++, a++)
            {
                var add = adds[a];
                var prefix = $"layer{stage + 1}.{b}";
                var second = ConvBnBefore(add.Inputs[0]);
                var relu = Producer(second.Conv.Inputs[0], "Relu");
                var first = ConvBnBefore(relu.Inputs[0]);
                Put(state, onnx, $"{prefix}.conv1", $"{prefix}.bn1", first);
                Put(state, onnx, $"{prefix}.conv2", $"{prefix}.bn2", second);
                if (producer.TryGetValue(add.Inputs[1], out var shortcut) && shortcut.OpType == "BatchNormalization")
                    Put(state, onnx, $"{prefix}.downsample.0", $"{prefix}.downsample.1", ConvBnBefore(add.Inputs[1]));
            }
        return state;
    }

    static void Put(Dictionary<string, Tensor> state, OnnxModel onnx, string conv, string bn, ConvBn pair)
    {
        state[$"{conv}.weight"] = Init(onnx, pair.Conv.Inputs[1]);
        var eps = pair.Bn.Float("epsilon", 1e-5f);
        if (Math.Abs(eps - 1e-5f) > 1e-9f)
            throw new InvalidDataException($"BatchNorm '{pair.Bn.Name}' uses epsilon {eps}; the TorchSharp model uses 1e-5.");
        state[$"{bn}.weight"] = Init(onnx, pair.Bn.Inputs[1]);
        state[$"{bn}.bias"] = Init(onnx, pair.Bn.Inputs[2]);
        state[$"{bn}.running_mean"] = Init(onnx, pair.Bn.Inputs[3]);
        state[$"{bn}.running_var"] = Init(onnx, pair.Bn.Inputs[4]);
    }

    static Tensor Init(OnnxModel onnx, string name) =>
        onnx.Initializers.TryGetValue(name, out var t)
            ? tensor(t.Data, t.Dims)
            : throw new InvalidDataException($"The ONNX graph has no initializer named '{name}'.");

    /// <summary>Copies <paramref name="state"/> into <paramref name="model"/>, requiring every parameter and buffer to be covered with the right shape.</summary>
    public static void CopyInto(nn.Module model, IReadOnlyDictionary<string, Tensor> state)
    {
        using var _ = no_grad();
        var targets = model.state_dict();
        foreach (var (name, value) in state)
        {
            if (!targets.TryGetValue(name, out var target))
                throw new InvalidDataException($"Converted weight '{name}' has no place in the model.");
            if (!target.shape.SequenceEqual(value.shape))
                throw new InvalidDataException($"Converted weight '{name}' has shape [{string.Join(",", value.shape)}] but the model expects [{string.Join(",", target.shape)}].");
            target.copy_(value);
        }
        var missing = targets.Keys.Where(k => !state.ContainsKey(k) && !k.EndsWith("num_batches_tracked", StringComparison.Ordinal) && !k.StartsWith("preprocess.",
            StringComparison.Ordinal) && !k.StartsWith("fc.", StringComparison.Ordinal)).ToList();
        if (missing.Count > 0)
            throw new InvalidDataException($"The ONNX graph did not provide {missing.Count} model weights, e.g. {string.Join(", ", missing.Take(5))}.");
    }
}
