using System.Buffers.Binary;

namespace Interp.Models.Onnx;

/// <summary>A float tensor stored in an ONNX graph (an initializer or a constant).</summary>
public sealed record OnnxTensor(string Name, long[] Dims, float[] Data);

/// <summary>An ONNX attribute: at most one of the value fields is set.</summary>
public sealed record OnnxAttribute(string Name, float? Float, long? Int, string? String, IReadOnlyList<long> Ints, IReadOnlyList<float> Floats, OnnxTensor? Tensor);

/// <summary>One ONNX graph node.</summary>
public sealed record OnnxNode(string Name, string OpType, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs, IReadOnlyDictionary<string, OnnxAttribute> Attributes)
{
    /// <summary>An int-list attribute, or <paramref name="fallback"/> when absent.</summary>
    public IReadOnlyList<long> Ints(string name, IReadOnlyList<long> fallback) => Attributes.TryGetValue(name, out var a) ? a.Ints : fallback;
    /// <summary>A float attribute, or <paramref name="fallback"/> when absent.</summary>
    public float Float(string name, float fallback) => Attributes.TryGetValue(name, out var a) && a.Float is { } f ? f : fallback;
    /// <summary>An int attribute, or <paramref name="fallback"/> when absent.</summary>
    public long Int(string name, long fallback) => Attributes.TryGetValue(name, out var a) && a.Int is { } i ? i : fallback;
}

/// <summary>
/// The parts of an ONNX model this project reads: nodes, float initializers, inputs and outputs.
/// Parsed directly from the protobuf wire format, so no ONNX or protobuf package is needed.
/// </summary>
public sealed class OnnxModel
{
    /// <summary>Graph nodes in file order (ONNX requires topological order).</summary>
    public required IReadOnlyList<OnnxNode> Nodes { get; init; }
    /// <summary>Float initializers by name.</summary>
    public required IReadOnlyDictionary<string, OnnxTensor> Initializers { get; init; }
    /// <summary>Graph input names (including initializers in older opsets).</summary>
    public required IReadOnlyList<string> Inputs { get; init; }
    /// <summary>Graph output names.</summary>
    public required IReadOnlyList<string> Outputs { get; init; }

    /// <summary>Reads an ONNX file.</summary>
    public static OnnxModel Load(string path)
    {
        try { return Parse(File.ReadAllBytes(path)); }
        catch (InvalidDataException e) { throw new InvalidDataException($"'{path}' is not a readable ONNX model: {e.Message}", e); }
    }

    /// <summary>Parses ONNX <c>ModelProto</c> bytes.</summary>
    public static OnnxModel Parse(ReadOnlySpan<byte> bytes)
    {
        var r = new ProtoReader(bytes);
        while (!r.End)
        {
            var (field, wire) = r.ReadKey();
            if (field == 7 && wire == 2) return ParseGraph(r.ReadBytes());
            r.Skip(wire);
        }
        throw new InvalidDataException("the model has no graph (ModelProto field 7).");
    }

    static OnnxModel ParseGraph(ReadOnlySpan<byte> bytes)
    {
        var nodes = new List<OnnxNode>();
        var inits = new Dictionary<string, OnnxTensor>();
        var inputs = new List<string>();
        var outputs = new List<string>();
        var r = new ProtoReader(bytes);
        while (!r.End)
        {
            var (field, wire) = r.ReadKey();
            switch (field)
            {
                case 1 when wire == 2: nodes.Add(ParseNode(r.ReadBytes())); break;
                case 5 when wire == 2: var t = ParseTensor(r.ReadBytes()); inits[t.Name] = t; break;
                case 11 when wire == 2: inputs.Add(ValueInfoName(r.ReadBytes())); break;
                case 12 when wire == 2: outputs.Add(ValueInfoName(r.ReadBytes())); break;
                default: r.Skip(wire); break;
            }
        }
        return new OnnxModel { Nodes = nodes, Initializers = inits, Inputs = inputs, Outputs = outputs };
    }

    static string ValueInfoName(ReadOnlySpan<byte> bytes)
    {
        var r = new ProtoReader(bytes);
        while (!r.End)
        {
            var (field, wire) = r.ReadKey();
            if (field == 1 && wire == 2) return r.ReadString();
            r.Skip(wire);
        }
        return "";
    }

    static OnnxNode ParseNode(ReadOnlySpan<byte> bytes)
    {
        var inputs = new List<string>();
        var outputs = new List<string>();
        var attrs = new Dictionary<string, OnnxAttribute>();
        string name = "", op = "";
        var r = new ProtoReader(bytes);
        while (!r.End)
        {
            var (field, wire) = r.ReadKey();
            switch (field)
            {
                case 1 when wire == 2: inputs.Add(r.ReadString()); break;
                case 2 when wire == 2: outputs.Add(r.ReadString()); break;
                case 3 when wire == 2: name = r.ReadString(); break;
                case 4 when wire == 2: op = r.ReadString(); break;
                case 5 when wire == 2: var a = ParseAttribute(r.ReadBytes()); attrs[a.Name] = a; break;
                default: r.Skip(wire); break;
            }
        }
        return new OnnxNode(name, op, inputs, outputs, attrs);
    }

    static OnnxAttribute ParseAttribute(ReadOnlySpan<byte> bytes)
    {
        string name = "";
        float? f = null; long? i = null; string? s = null; OnnxTensor? t = null;
        var ints = new List<long>();
        var floats = new List<float>();
        var r = new ProtoReader(bytes);
        while (!r.End)
        {
            var (field, wire) = r.ReadKey();
            switch (field)
            {
                case 1 when wire == 2: name = r.ReadString(); break;
                case 2 when wire == 5: f = r.ReadFixed32Float(); break;
                case 3 when wire == 0: i = (long)r.ReadVarint(); break;
                case 4 when wire == 2: s = r.ReadString(); break;
                case 5 when wire == 2: t = ParseTensor(r.ReadBytes()); break;
                case 7: r.ReadFloats(wire, floats); break;
                case 8: r.ReadInt64s(wire, ints); break;
                default: r.Skip(wire); break;
            }
        }
        return new OnnxAttribute(name, f, i, s, ints, floats, t);
    }

    const int OnnxFloat = 1;

    static OnnxTensor ParseTensor(ReadOnlySpan<byte> bytes)
    {
        var dims = new List<long>();
        var floats = new List<float>();
        byte[]? raw = null;
        int dataType = 0;
        string name = "";
        var r = new ProtoReader(bytes);
        while (!r.End)
        {
            var (field, wire) = r.ReadKey();
            switch (field)
            {
                case 1: r.ReadInt64s(wire, dims); break;
                case 2 when wire == 0: dataType = (int)r.ReadVarint(); break;
                case 4: r.ReadFloats(wire, floats); break;
                case 8 when wire == 2: name = r.ReadString(); break;
                case 9 when wire == 2: raw = r.ReadBytes().ToArray(); break;
                default: r.Skip(wire); break;
            }
        }
        if (dataType != OnnxFloat)
            return new OnnxTensor(name, [.. dims], []); // non-float tensors (shapes) are not needed as data
        float[] data;
        if (raw is not null)
        {
            data = new float[raw.Length / 4];
            for (int k = 0; k < data.Length; k++) data[k] = BinaryPrimitives.ReadSingleLittleEndian(raw.AsSpan(4 * k));
        }
        else data = [.. floats];
        long expected = dims.Aggregate(1L, (a, b) => a * b);
        if (data.Length != expected)
            throw new InvalidDataException($"initializer '{name}' has {data.Length} values but its shape [{string.Join(",", dims)}] needs {expected}.");
        return new OnnxTensor(name, [.. dims], data);
    }
}
