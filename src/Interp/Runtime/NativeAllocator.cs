using System.Runtime.InteropServices;

namespace Interp.Runtime;

/// <summary>Which C allocator libtorch's tensors come from in this process, and how it is set.</summary>
public enum NativeAllocatorKind
{
    /// <summary>gperftools' tcmalloc, preloaded when the process started (the project's programs do it when it is installed).</summary>
    Tcmalloc,
    /// <summary>glibc's allocator with the library's settings (<see cref="NativeAllocator.MmapThresholdBytes"/>, <see cref="NativeAllocator.TrimThresholdBytes"/>).</summary>
    GlibcTuned,
    /// <summary>glibc's allocator with its own defaults (<c>INTERP_MALLOC=default</c>).</summary>
    GlibcDefault,
    /// <summary>Not Linux or not glibc: the system's allocator, untouched.</summary>
    System,
}

/// <summary>What <see cref="NativeAllocator.Configure"/> found and did.</summary>
/// <param name="Kind">The allocator in force.</param>
/// <param name="Description">One line for reports, e.g. <c>glibc 2.36: blocks up to 32 MiB from the heap, trimmed above 512 MiB free</c>.</param>
public sealed record NativeAllocatorSettings(NativeAllocatorKind Kind, string Description);

/// <summary>
/// The C allocator that libtorch takes every tensor from (<c>posix_memalign</c>), found and, for glibc, tuned.
/// <para>The best choice is tcmalloc (Debian's <c>libtcmalloc-minimal4</c>): on a render whose tensor sizes change from step
/// to step (random scales) glibc's heap fragments, and the process holds two to three times what is in use, while tcmalloc
/// keeps it near the working set at the same speed (docs/benchmarks.md, "Where a render's memory goes"). An allocator can
/// only be chosen when a process starts (<c>LD_PRELOAD</c>): the <c>interp</c> tool and the notebook runner start their
/// work with it when it is installed (<c>Interp.CommandLine.AllocatorPreload</c>); in Jupyter, start the server with
/// <c>LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4</c> (README, "Memory").</para>
/// <para>Under glibc the library keeps tensor-sized blocks in the heap instead of mapping and unmapping them on every
/// allocation, which page-faults each step's activations in again and is slow on these machines (<c>interp bench sizes
/// --malloc all</c> measures it). <c>INTERP_MALLOC</c> chooses: unset or <c>auto</c> (tcmalloc when the process has it,
/// else tuned glibc), <c>tcmalloc</c> (required), <c>glibc</c> (tuned glibc, no preload), <c>default</c> (glibc's defaults).</para>
/// </summary>
public static class NativeAllocator
{
    /// <summary>Blocks up to this size are served from glibc's heap (glibc's maximum for the setting, 32 MiB on 64-bit).</summary>
    public const int MmapThresholdBytes = 32 << 20;

    /// <summary>Free memory at the top of glibc's heap is returned to the system only above this size.</summary>
    public const int TrimThresholdBytes = 512 << 20;

    /// <summary>The values <c>INTERP_MALLOC</c> takes (case-insensitive; unset means <c>auto</c>).</summary>
    public static IReadOnlyList<string> Choices { get; } = ["auto", "tcmalloc", "glibc", "default"];

    const int M_TRIM_THRESHOLD = -1, M_MMAP_THRESHOLD = -3;
    static readonly object Gate = new();
    static NativeAllocatorSettings? _settings;

    /// <summary>The settings in force (configured on first use; <see cref="TorchRuntime.EnsureLoaded"/> does it).</summary>
    public static NativeAllocatorSettings Current => Configure();

    /// <summary>Finds the allocator and applies the settings once per process. Idempotent.</summary>
    /// <exception cref="ArgumentException"><c>INTERP_MALLOC</c> is not one of <see cref="Choices"/>.</exception>
    /// <exception cref="InvalidOperationException"><c>INTERP_MALLOC=tcmalloc</c>, but the process was started without it.</exception>
    public static NativeAllocatorSettings Configure()
    {
        lock (Gate)
        {
            return _settings ??= Apply(Environment.GetEnvironmentVariable(InterpEnvironment.Malloc.Name), TcmallocPath() is not null);
        }
    }

    /// <summary>The choice <paramref name="variable"/> (the value of <c>INTERP_MALLOC</c>) names, checked: one of <see cref="Choices"/>.</summary>
    public static string Choice(string? variable)
    {
        if (string.IsNullOrEmpty(variable)) return "auto";
        var choice = Choices.FirstOrDefault(c => string.Equals(c, variable, StringComparison.OrdinalIgnoreCase));
        return choice ?? throw new ArgumentException($"{InterpEnvironment.Malloc.Name} is '{variable}'; valid: {string.Join(", ", Choices.Select(c => $"'{c}'"))} " +
            "(auto: tcmalloc when the process was started with it, else glibc tuned for tensors; glibc: always glibc, tuned; default: glibc's own settings).");
    }

    internal static NativeAllocatorSettings Apply(string? variable, bool tcmallocLoaded)
    {
        var choice = Choice(variable);
        if (tcmallocLoaded)
        {
            if (choice is "glibc" or "default")
                throw new InvalidOperationException($"{InterpEnvironment.Malloc.Name}={choice} asks for glibc's allocator, but this process was started with tcmalloc " +
                    "(LD_PRELOAD); start it without, or unset the variable.");
            return new(NativeAllocatorKind.Tcmalloc, "tcmalloc (gperftools, preloaded)");
        }
        if (choice == "tcmalloc")
            throw new InvalidOperationException($"{InterpEnvironment.Malloc.Name}=tcmalloc, but this process was started without it. Install Debian's libtcmalloc-minimal4; " +
                "the interp tool and the runner then preload it; elsewhere start the process with LD_PRELOAD=<path of libtcmalloc_minimal.so.4>.");
        if (choice == "default") return new(NativeAllocatorKind.GlibcDefault, $"glibc's defaults ({InterpEnvironment.Malloc.Name}=default)");
        if (!OperatingSystem.IsLinux()) return new(NativeAllocatorKind.System, "not Linux: the system allocator's defaults");
        string version;
        try
        {
            version = Marshal.PtrToStringUTF8(gnu_get_libc_version()) ?? "?";
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return new(NativeAllocatorKind.System, "not glibc: the C library's defaults");
        }
        bool ok = mallopt(M_MMAP_THRESHOLD, MmapThresholdBytes) == 1 & mallopt(M_TRIM_THRESHOLD, TrimThresholdBytes) == 1;
        return ok
            ? new(NativeAllocatorKind.GlibcTuned, $"glibc {version}: blocks up to {MmapThresholdBytes >> 20} MiB from the heap, trimmed above {TrimThresholdBytes >> 20} MiB free")
            : new(NativeAllocatorKind.GlibcDefault, $"glibc {version} refused the settings: its defaults");
    }

    /// <summary>
    /// The file of the tcmalloc mapped into this process, or null. Mapped at all, it was preloaded: a tcmalloc loaded later
    /// would not serve <c>malloc</c>.
    /// </summary>
    public static string? TcmallocPath()
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            return File.ReadLines("/proc/self/maps").Select(l => l.IndexOf('/') is var i and >= 0 ? l[i..] : "")
                .FirstOrDefault(path => Path.GetFileName(path).StartsWith("libtcmalloc", StringComparison.Ordinal));
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// Bytes the C allocator has handed out and not had back, or null where it cannot say: tcmalloc's
    /// <c>generic.current_allocated_bytes</c>, or glibc's <c>mallinfo2</c> (all arenas: in-use heap blocks plus mapped blocks).
    /// Unlike the resident size, it leaves out freed memory kept for reuse.
    /// </summary>
    public static long? InUseBytes()
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            if (Current.Kind == NativeAllocatorKind.Tcmalloc) return TcmallocAllocatedBytes();
            var info = mallinfo2();
            return (long)(info.Uordblks + info.Hblkhd);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    struct MallInfo2
    {
        // glibc's struct mallinfo2, field for field: arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost.
        public nuint Arena, Ordblks, Smblks, Hblks, Hblkhd, Usmblks, Fsmblks, Uordblks, Fordblks, Keepcost;
    }

    [DllImport("libc", EntryPoint = "mallinfo2")]
    static extern MallInfo2 mallinfo2();

    [DllImport("libc", EntryPoint = "mallopt")]
    static extern int mallopt(int parameter, int value);

    [DllImport("libc", EntryPoint = "gnu_get_libc_version")]
    static extern IntPtr gnu_get_libc_version();

    delegate int GetNumericProperty(IntPtr property, out nuint value);

    static GetNumericProperty? _tcmallocProperty;

    /// <summary>tcmalloc's <c>generic.current_allocated_bytes</c>, asked of the copy already mapped (opening the same file gives its handle).</summary>
    static long? TcmallocAllocatedBytes()
    {
        if (_tcmallocProperty is null)
        {
            if (TcmallocPath() is not { } path || !NativeLibrary.TryLoad(path, out var handle)
                || !NativeLibrary.TryGetExport(handle, "MallocExtension_GetNumericProperty", out var export)) return null;
            _tcmallocProperty = Marshal.GetDelegateForFunctionPointer<GetNumericProperty>(export);
        }
        var name = Marshal.StringToCoTaskMemUTF8("generic.current_allocated_bytes");
        try
        {
            return _tcmallocProperty(name, out var bytes) == 1 ? (long)bytes : null;
        }
        finally
        {
            Marshal.FreeCoTaskMem(name);
        }
    }
}
