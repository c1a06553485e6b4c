using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Interp.Tests;

/// <summary>Reads the shared fixtures' raw tensors (little-endian, C order, no header).</summary>
internal static class FixtureFiles
{
    /// <summary>A float32 tensor of <paramref name="shape"/> from <paramref name="dir"/>/<paramref name="name"/>; the element count must match.</summary>
    public static Tensor Floats(string dir, string name, params long[] shape) => tensor(Read<float>(dir, name, shape), shape);

    /// <summary>An int64 tensor of <paramref name="shape"/>.</summary>
    public static Tensor Longs(string dir, string name, params long[] shape) => tensor(Read<long>(dir, name, shape), shape);

    static T[] Read<T>(string dir, string name, long[] shape) where T : unmanaged
    {
        var data = MemoryMarshal.Cast<byte, T>(File.ReadAllBytes(Path.Combine(dir, name))).ToArray();
        Assert.Equal(shape.Aggregate(1L, (a, b) => a * b), data.LongLength);
        return data;
    }
}
