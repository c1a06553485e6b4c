using System.Diagnostics;
using Interp.Images;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Interp.Datasets;
using static TorchSharp.torch;

namespace Interp.Tests.Images;

/// <summary>
/// What a folder scan meets on disk: 2,400 mutated PNG and JPEG files (truncated, bit-flipped, bytes inserted or
/// deleted, huge declared dimensions with valid checksums, empty). Each must give a valid image or a clear
/// <see cref="ImageLoadException"/>, never another exception, quickly, and memory must stay bounded.
/// </summary>
public class ImageFuzzTests(ITestOutputHelper output)
{
    static byte[] Png(Tensor image) => ImageIO.ToPng(image);

    /// <summary>PNG's CRC-32 (polynomial 0xEDB88320), as in the PNG specification's sample code.</summary>
    static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint c = 0xFFFFFFFF;
        foreach (var b in data)
        {
            c ^= b;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
        }
        return c ^ 0xFFFFFFFF;
    }

    static byte[] Jpeg(Tensor image)
    {
        using var img = ImageIO.ToImage(image, clamp: true);
        using var ms = new MemoryStream();
        img.SaveAsJpeg(ms);
        return ms.ToArray();
    }

    /// <summary>A PNG whose IHDR declares <paramref name="width"/>×<paramref name="height"/>, with a correct CRC so that only the size is wrong.</summary>
    static byte[] PngWithSize(byte[] png, uint width, uint height)
    {
        var b = (byte[])png.Clone();
        // Signature (8) + length (4) + "IHDR" (4), then width and height, big-endian; CRC over type + data (17 bytes).
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(16), width);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(20), height);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(29), Crc32(b.AsSpan(12, 17)));
        return b;
    }

    /// <summary>A JPEG whose first SOF marker declares <paramref name="width"/>×<paramref name="height"/>.</summary>
    static byte[] JpegWithSize(byte[] jpeg, ushort width, ushort height)
    {
        var b = (byte[])jpeg.Clone();
        for (int i = 2; i + 9 < b.Length; i++)
            if (b[i] == 0xFF && b[i + 1] is 0xC0 or 0xC1 or 0xC2)
            {
                System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(i + 5), height);
                System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(i + 7), width);
                break;
            }
        return b;
    }

    static IEnumerable<(string Kind, byte[] Bytes)> Mutants(IReadOnlyList<byte[]> seeds, int count, int seed)
    {
        var rng = new Random(seed);
        for (int n = 0; n < count; n++)
        {
            var src = seeds[rng.Next(seeds.Count)];
            switch (rng.Next(7))
            {
                case 0: yield return ("truncated", src[..rng.Next(src.Length)]); break;
                case 1:
                {
                    var b = (byte[])src.Clone();
                    int flips = 1 + rng.Next(20);
                    for (int i = 0; i < flips; i++) b[rng.Next(b.Length)] ^= (byte)(1 << rng.Next(8));
                    yield return ("bit flips", b);
                    break;
                }
                case 2:
                {
                    int at = rng.Next(src.Length), len = 1 + rng.Next(64);
                    var junk = new byte[len];
                    rng.NextBytes(junk);
                    yield return ("bytes inserted", [.. src[..at], .. junk, .. src[at..]]);
                    break;
                }
                case 3:
                {
                    int at = rng.Next(src.Length), len = Math.Min(src.Length - at, 1 + rng.Next(64));
                    yield return ("bytes deleted", [.. src[..at], .. src[(at + len)..]]);
                    break;
                }
                case 4:
                    yield return src[0] == 0x89
                        ? ("huge PNG size", PngWithSize(src, (uint)rng.Next(1, int.MaxValue), (uint)rng.Next(1, int.MaxValue)))
                        : ("huge JPEG size", JpegWithSize(src, (ushort)rng.Next(1, 65536), (ushort)rng.Next(1, 65536)));
                    break;
                case 5: yield return ("empty or tiny", src[..rng.Next(Math.Min(8, src.Length))]); break;
                default:
                {
                    var b = (byte[])src.Clone();
                    int at = rng.Next(b.Length), len = Math.Min(b.Length - at, 1 + rng.Next(256));
                    rng.NextBytes(b.AsSpan(at, len));
                    yield return ("random run", b);
                    break;
                }
            }
        }
    }

    [Fact]
    public void Mutated_png_and_jpeg_files_give_an_image_or_a_clear_error_quickly_and_in_bounded_memory()
    {
        var seeds = new List<byte[]>();
        foreach (var name in SamplePhotos.Names.Take(3))
        {
            using var img = SamplePhotos.Load(name, 40);
            seeds.Add(Png(img));
            seeds.Add(Jpeg(img));
        }
        var outcomes = new Dictionary<string, int>();
        var slowest = (Kind: "", Ms: 0.0);
        long rssBefore = Process.GetCurrentProcess().WorkingSet64;
        const long cap = 4_000_000;               // 4 megapixels: a huge declared size must be refused, not allocated
        foreach (var (kind, bytes) in Mutants(seeds, 2400, seed: 7))
        {
            var sw = Stopwatch.StartNew();
            string outcome;
            try
            {
                using var t = ImageIO.Decode(bytes, $"a {kind} file", cap);
                Assert.Equal(3, t.shape[0]);
                Assert.True(t.shape[1] * t.shape[2] <= cap);
                Assert.True(t.min().item<float>() >= 0 && t.max().item<float>() <= 1);
                outcome = "decoded";
            }
            catch (ImageLoadException e)
            {
                Assert.False(string.IsNullOrWhiteSpace(e.Message));
                outcome = "refused";
            }
            catch (Exception e)
            {
                Assert.Fail($"A {kind} file ({bytes.Length} bytes) raised {e.GetType().Name} instead of ImageLoadException: {e.Message}");
                throw;
            }
            double ms = sw.Elapsed.TotalMilliseconds;
            if (ms > slowest.Ms) slowest = (kind, ms);
            outcomes[$"{kind}: {outcome}"] = outcomes.GetValueOrDefault($"{kind}: {outcome}") + 1;
        }
        GC.Collect();
        long growthMb = (Process.GetCurrentProcess().WorkingSet64 - rssBefore) / (1 << 20);
        output.WriteLine(string.Join("\n", outcomes.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key,-28} {kv.Value}")));
        output.WriteLine($"slowest: {slowest.Kind} {slowest.Ms:F0} ms; working set grew {growthMb} MB");
        Assert.True(slowest.Ms < 2000, $"a {slowest.Kind} file took {slowest.Ms:F0} ms to decode or refuse");
        Assert.True(growthMb < 400, $"the working set grew by {growthMb} MB over the fuzz run");
        Assert.True(outcomes.Keys.Any(k => k.EndsWith("decoded")) && outcomes.Keys.Any(k => k.EndsWith("refused")), "the mutations should produce both outcomes");
    }
}
