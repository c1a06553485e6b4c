using System.Buffers.Binary;
using System.Text;

namespace Interp.Models.Onnx;

/// <summary>A forward-only reader of the protocol-buffers wire format, enough for ONNX models.</summary>
internal ref struct ProtoReader(ReadOnlySpan<byte> data)
{
    readonly ReadOnlySpan<byte> _data = data;
    int _pos;

    public readonly bool End => _pos >= _data.Length;

    /// <summary>Reads the next field key: (field number, wire type).</summary>
    public (int Field, int WireType) ReadKey()
    {
        ulong key = ReadVarint();
        return ((int)(key >> 3), (int)(key & 7));
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (_pos >= _data.Length) throw new InvalidDataException("Truncated varint in ONNX protobuf.");
            byte b = _data[_pos++];
            result |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0) return result;
        }
        throw new InvalidDataException("Malformed varint in ONNX protobuf.");
    }

    public ReadOnlySpan<byte> ReadBytes()
    {
        int length = checked((int)ReadVarint());
        if (length < 0 || _pos + length > _data.Length) throw new InvalidDataException("Truncated length-delimited field in ONNX protobuf.");
        var span = _data.Slice(_pos, length);
        _pos += length;
        return span;
    }

    public string ReadString() => Encoding.UTF8.GetString(ReadBytes());

    public float ReadFixed32Float()
    {
        if (_pos + 4 > _data.Length) throw new InvalidDataException("Truncated fixed32 in ONNX protobuf.");
        float v = BinaryPrimitives.ReadSingleLittleEndian(_data[_pos..]);
        _pos += 4;
        return v;
    }

    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case 0: ReadVarint(); break;
            case 1: _pos += 8; break;
            case 2: ReadBytes(); break;
            case 5: _pos += 4; break;
            default: throw new InvalidDataException($"Unsupported protobuf wire type {wireType}.");
        }
        if (_pos > _data.Length) throw new InvalidDataException("Truncated field in ONNX protobuf.");
    }

    /// <summary>Reads a repeated int64 field element, packed (wire type 2) or not (wire type 0).</summary>
    public void ReadInt64s(int wireType, List<long> into)
    {
        if (wireType == 0) { into.Add((long)ReadVarint()); return; }
        var inner = new ProtoReader(ReadBytes());
        while (!inner.End) into.Add((long)inner.ReadVarint());
    }

    /// <summary>Reads a repeated float field element, packed (wire type 2) or not (wire type 5).</summary>
    public void ReadFloats(int wireType, List<float> into)
    {
        if (wireType == 5) { into.Add(ReadFixed32Float()); return; }
        var bytes = ReadBytes();
        for (int i = 0; i + 4 <= bytes.Length; i += 4) into.Add(BinaryPrimitives.ReadSingleLittleEndian(bytes[i..]));
    }
}
