using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Interp.Runtime;

/// <summary>How TorchSharp's native library was loaded.</summary>
/// <param name="PatchedCopy">The weak-patched copy of <c>libLibTorchSharp.so</c> that was loaded, or null when TorchSharp loads its own files untouched.</param>
/// <param name="WeakenedVersions">The libstdc++ versions that were marked weak in that copy.</param>
/// <param name="Message">A one-line human-readable account.</param>
public sealed record TorchLoadReport(string? PatchedCopy, IReadOnlyList<string> WeakenedVersions, string Message);

/// <summary>
/// Makes TorchSharp's native library load on every host: <c>dotnet test</c>, console programs and the
/// stock .NET Interactive kernel. On Linux systems whose libstdc++ predates GCC 13 (Debian 12,
/// Ubuntu 22.04) it loads a copy of <c>libLibTorchSharp.so</c> with the link-anchor version need
/// marked weak (see <see cref="LibStdCxxCompatibility"/>); everywhere else it does nothing.
/// The NuGet cache is never modified.
/// </summary>
public static class TorchRuntime
{
    static readonly object Gate = new();
    static TorchLoadReport? _report;
    static IntPtr _handle;

    /// <summary>
    /// Ensures TorchSharp can load its native library, and tunes the C allocator for tensors first
    /// (<see cref="NativeAllocator"/>). Idempotent and thread-safe; call it before the first TorchSharp call
    /// (every entry point of this library does).
    /// </summary>
    public static TorchLoadReport EnsureLoaded()
    {
        lock (Gate)
        {
            if (_report is not null) return _report;
            NativeAllocator.Configure();
            TorchLogLevel.Configure();
            _report = Load();
            if (OperatingSystem.IsLinux() && FindNativeFile("libLibTorchSharp.so", TorchSharpNativeDirectories()) is { } native
                && FindLibTorchDirectory(Path.GetDirectoryName(native)!) is { } libtorch)
                TorchLogLevel.Apply(Path.Combine(libtorch, "libc10.so"));
            if (_report.PatchedCopy is not null) Console.WriteLine(_report.Message);
            return _report;
        }
    }

    static TorchLoadReport Load()
    {
        if (!OperatingSystem.IsLinux())
            return new(null, [], "Not Linux: TorchSharp loads its own native libraries.");

        var torchSharpNative = FindNativeFile("libLibTorchSharp.so", TorchSharpNativeDirectories())
            ?? throw new DllNotFoundException(
                "Could not find libLibTorchSharp.so next to TorchSharp.dll or in the NuGet package cache. " +
                "Reference the NuGet package TorchSharp-cpu 0.107.0.");
        var systemStdCxx = LoadedLibStdCxx();
        if (systemStdCxx is null)
            return new(null, [], "No libstdc++ is loaded in this process; TorchSharp loads untouched.");

        var available = ElfFile.Read(systemStdCxx).VersionDefinitions();
        var library = ElfFile.Read(torchSharpNative);
        var weaken = LibStdCxxCompatibility.NeedsToWeaken(library, available, torchSharpNative);
        if (weaken.Count == 0)
            return new(null, [], $"{systemStdCxx} provides every version TorchSharp needs; loaded untouched.");

        foreach (var need in weaken) library.MarkWeak(need);
        var copy = WritePatchedCopy(library.Bytes);

        var libtorchDir = FindLibTorchDirectory(Path.GetDirectoryName(torchSharpNative)!)
            ?? throw new DllNotFoundException(
                "Could not find libtorch_cpu.so (NuGet package libtorch-cpu-linux-x64 2.10.0). " +
                "Reference the NuGet package TorchSharp-cpu 0.107.0, which brings it.");
        // Load libtorch's own libraries by full path first, so that the copy's bare-name
        // dependencies (libtorch.so, libc10.so, libtorch_cpu.so) resolve to them.
        foreach (var name in new[] { "libgomp*.so*", "libc10.so", "libtorch_cpu.so", "libtorch.so" })
            foreach (var file in Directory.GetFiles(libtorchDir, name))
                NativeLibrary.Load(file);
        _handle = NativeLibrary.Load(copy);
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(TorchSharp.torch).Assembly, Resolve);
        }
        catch (InvalidOperationException)
        {
            // A resolver is already set: another copy of this library loaded earlier in the same process
            // (a notebook host loads it once per kernel) has set it up, and the native copy loaded above
            // is the same file, so TorchSharp already resolves to it.
        }

        var versions = weaken.Select(n => n.Name).ToList();
        return new(copy, versions,
            $"Interp: this system's libstdc++ ({systemStdCxx}) lacks {string.Join(", ", versions)}; " +
            $"loaded TorchSharp through a copy of libLibTorchSharp.so with that version need marked weak ({copy}). See README, 'Older Linux'.");
    }

    static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path) =>
        name is "LibTorchSharp" or "libLibTorchSharp" or "libLibTorchSharp.so" ? _handle : IntPtr.Zero;

    static string WritePatchedCopy(byte[] bytes)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes))[..16];
        var dir = Path.Combine(InterpPaths.CacheRoot, "native", hash);
        var target = Path.Combine(dir, "libLibTorchSharp.so");
        if (File.Exists(target) && new FileInfo(target).Length == bytes.Length) return target;
        Directory.CreateDirectory(dir);
        var temp = target + "." + Environment.ProcessId + ".tmp";
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, target, overwrite: true);
        return target;
    }

    /// <summary>The libstdc++ mapped into this process (the .NET runtime itself links it on Linux).</summary>
    static string? LoadedLibStdCxx()
    {
        static string? FromMaps() => File.ReadLines("/proc/self/maps")
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(p => p.Length >= 6 && Path.GetFileName(p[5]).StartsWith("libstdc++.so", StringComparison.Ordinal))
            .Select(p => p[5]).FirstOrDefault();
        var found = FromMaps();
        if (found is null && NativeLibrary.TryLoad(LibStdCxxCompatibility.LibStdCxx, out _)) found = FromMaps();
        return found;
    }

    static IEnumerable<string> TorchSharpNativeDirectories()
    {
        var rid = "linux-" + RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        var assemblyDir = Path.GetDirectoryName(typeof(TorchSharp.torch).Assembly.Location);
        if (!string.IsNullOrEmpty(assemblyDir))
        {
            yield return assemblyDir;
            yield return Path.Combine(assemblyDir, "runtimes", rid, "native");
            // Inside the NuGet cache: torchsharp/0.107.0/lib/net8.0/TorchSharp.dll
            yield return Path.GetFullPath(Path.Combine(assemblyDir, "..", "..", "runtimes", rid, "native"));
        }
        yield return AppContext.BaseDirectory;
        yield return Path.Combine(AppContext.BaseDirectory, "runtimes", rid, "native");
        if (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") is string dirs)
            foreach (var d in dirs.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)) yield return d;
        var version = typeof(TorchSharp.torch).Assembly.GetName().Version;
        if (version is not null)
            yield return Path.Combine(InterpPaths.NuGetRoot(), "torchsharp", $"{version.Major}.{version.Minor}.{version.Build}", "runtimes", rid, "native");
    }

    static string? FindLibTorchDirectory(string torchSharpNativeDir)
    {
        var rid = "linux-" + RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        var candidates = new List<string> { torchSharpNativeDir };
        candidates.AddRange(TorchSharpNativeDirectories());
        var packageDir = Path.Combine(InterpPaths.NuGetRoot(), $"libtorch-cpu-{rid}");
        if (Directory.Exists(packageDir))
            candidates.AddRange(Directory.GetDirectories(packageDir).OrderDescending().Select(d => Path.Combine(d, "runtimes", rid, "native")));
        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "libtorch_cpu.so")));
    }

    static string? FindNativeFile(string fileName, IEnumerable<string> directories) =>
        directories.Select(d => Path.Combine(d, fileName)).FirstOrDefault(File.Exists);

}
