using System.Buffers.Binary;

namespace Interp.Images;

/// <summary>
/// Structural checks that decoders skip: ImageSharp decodes a truncated PNG or JPEG without complaint,
/// filling the missing part with grey, so an image cut short in a download would go unnoticed.
/// </summary>
internal static class ImageIntegrity
{
    static readonly uint[] CrcTable = BuildCrcTable();

    /// <summary>Throws <see cref="ImageLoadException"/> when a PNG or JPEG is truncated or a PNG chunk is corrupt.</summary>
    public static void Verify(ReadOnlySpan<byte> bytes, string formatName, string description)
    {
        if (formatName.Equals("PNG", StringComparison.OrdinalIgnoreCase)) VerifyPng(bytes, description);
        else if (formatName.Equals("JPEG", StringComparison.OrdinalIgnoreCase)) VerifyJpeg(bytes, description);
    }

    static void VerifyPng(ReadOnlySpan<byte> bytes, string description)
    {
        int pos = 8; // signature
        while (true)
        {
            if (pos + 12 > bytes.Length)
                throw new ImageLoadException($"{description} is a PNG file that is truncated: it ends at byte {bytes.Length} before its IEND chunk.");
            uint length = BinaryPrimitives.ReadUInt32BigEndian(bytes[pos..]);
            if (length > int.MaxValue || pos + 12 + (long)length > bytes.Length)
                throw new ImageLoadException(
                    $"{description} is a PNG file that is truncated: a chunk at byte {pos} needs {length} bytes but the file ends at byte {bytes.Length}.");
            var typeAndData = bytes.Slice(pos + 4, 4 + (int)length);
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(bytes[(pos + 8 + (int)length)..]);
            var type = System.Text.Encoding.ASCII.GetString(bytes.Slice(pos + 4, 4));
            if (Crc32(typeAndData) != crc)
                throw new ImageLoadException($"{description} is a PNG file that is corrupt: the checksum of its {type} chunk at byte {pos} does not match.");
            pos += 12 + (int)length;
            if (type == "IEND") return;
        }
    }

    static void VerifyJpeg(ReadOnlySpan<byte> bytes, string description)
    {
        // Walk the header segments to the first start-of-scan, then require an end-of-image marker after it.
        int pos = 2;
        while (pos + 4 <= bytes.Length)
        {
            if (bytes[pos] != 0xFF) throw new ImageLoadException($"{description} is a JPEG file that is corrupt: expected a marker at byte {pos}.");
            byte marker = bytes[pos + 1];
            if (marker == 0xFF) { pos++; continue; }
            int length = BinaryPrimitives.ReadUInt16BigEndian(bytes[(pos + 2)..]);
            if (marker == 0xDA)
            {
                var scan = bytes[(pos + 2 + length)..];
                for (int i = scan.Length - 2; i >= 0; i--)
                    if (scan[i] == 0xFF && scan[i + 1] == 0xD9) return;
                break;
            }
            pos += 2 + length;
        }
        throw new ImageLoadException($"{description} is a JPEG file that is truncated: it has no end-of-image marker after its image data.");
    }

    static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint c = 0xFFFFFFFF;
        foreach (var b in data) c = CrcTable[(c ^ b) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFF;
    }

    static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
