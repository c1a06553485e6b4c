using System.Runtime.InteropServices;

namespace Interp.Runtime;

/// <summary>What <see cref="NativeAllocator.Configure"/> did to the C allocator that libtorch's tensors come from.</summary>
/// <param name="Tuned">Whether the settings below are in force.</param>
/// <param name="Description">One line for reports, e.g. <c>glibc 2.36: blocks up to 32 MiB from the heap, trimmed above 512 MiB free</c>.</param>
public sealed record NativeAllocatorSettings(bool Tuned, string Description);

/// <summary>
/// Keeps tensor-sized blocks in glibc's heap instead of mapping and unmapping them on every allocation.
/// <para>libtorch allocates each tensor with <c>posix_memalign</c>. With glibc's defaults a block above the (dynamic)
/// mmap threshold is mapped fresh and unmapped when freed, and the heap above the trim threshold is returned to the
/// kernel, so when tensor sizes change from step to step (random scales) a step page-faults its activations in again,
/// which is slow on these machines (<c>interp bench sizes --malloc both</c> measures it; docs/benchmarks.md has the figures).</para>
/// <para>The cost: memory freed by tensors stays in the process for reuse (up to <see cref="TrimThresholdBytes"/> of free heap)
/// rather than going back to the system, so the resident size can be well above what is in use (docs/benchmarks.md, "Where a
/// render's memory goes"). Set the environment variable <c>INTERP_MALLOC=default</c> to keep glibc's defaults.</para>
/// </summary>
public static class NativeAllocator
{
    /// <summary>Blocks up to this size are served from the heap (glibc's maximum for the setting, 32 MiB on 64-bit).</summary>
    public const int MmapThresholdBytes = 32 << 20;

    /// <summary>Free memory at the top of the heap is returned to the system only above this size.</summary>
    public const int TrimThresholdBytes = 512 << 20;

    const int M_TRIM_THRESHOLD = -1, M_MMAP_THRESHOLD = -3;
    static readonly object Gate = new();
    static NativeAllocatorSettings? _settings;

    /// <summary>The settings in force (configured on first use; <see cref="TorchRuntime.EnsureLoaded"/> does it).</summary>
    public static NativeAllocatorSettings Current => Configure();

    /// <summary>Applies the settings once per process, on Linux with glibc, unless <c>INTERP_MALLOC=default</c>. Idempotent.</summary>
    public static NativeAllocatorSettings Configure()
    {
        lock (Gate)
        {
            return _settings ??= Apply(Environment.GetEnvironmentVariable(InterpEnvironment.Malloc.Name));
        }
    }

    internal static NativeAllocatorSettings Apply(string? variable)
    {
        if (string.Equals(variable, "default", StringComparison.OrdinalIgnoreCase))
            return new(false, $"glibc's defaults ({InterpEnvironment.Malloc.Name}=default)");
        if (!string.IsNullOrEmpty(variable))
            throw new ArgumentException($"{InterpEnvironment.Malloc.Name} is '{variable}'; valid: 'default' (keep glibc's allocator settings), or unset (tune them for tensors).");
        if (!OperatingSystem.IsLinux()) return new(false, "not Linux: the system allocator's defaults");
        string version;
        try
        {
            version = Marshal.PtrToStringUTF8(gnu_get_libc_version()) ?? "?";
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return new(false, "not glibc: the C library's defaults");
        }
        bool ok = mallopt(M_MMAP_THRESHOLD, MmapThresholdBytes) == 1 & mallopt(M_TRIM_THRESHOLD, TrimThresholdBytes) == 1;
        return ok
            ? new(true, $"glibc {version}: blocks up to {MmapThresholdBytes >> 20} MiB from the heap, trimmed above {TrimThresholdBytes >> 20} MiB free")
            : new(false, $"glibc {version} refused the settings: its defaults");
    }

    /// <summary>
    /// Bytes the C allocator has handed out and not had back (glibc's <c>mallinfo2</c>, all arenas: in-use heap blocks plus
    /// mapped blocks), or null where that is not glibc. Unlike the resident size, it leaves out freed memory kept for reuse.
    /// </summary>
    public static long? InUseBytes()
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            var info = mallinfo2();
            return (long)(info.uordblks + info.hblkhd);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    struct MallInfo2
    {
        public nuint arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
    }

    [DllImport("libc", EntryPoint = "mallinfo2")]
    static extern MallInfo2 mallinfo2();

    [DllImport("libc", EntryPoint = "mallopt")]
    static extern int mallopt(int parameter, int value);

    [DllImport("libc", EntryPoint = "gnu_get_libc_version")]
    static extern IntPtr gnu_get_libc_version();
}
