using System.Runtime.InteropServices;
using SkiaSharp;

namespace Interp.Runtime;

/// <summary>
/// Makes sure SkiaSharp's native library (<c>libSkiaSharp.so</c>, from SkiaSharp.NativeAssets.Linux.NoDependencies) is
/// loaded before the toy world draws. An application finds it beside itself, but a notebook kernel that ran other notebooks
/// first may not probe the package's native folder (.NET Interactive registers native folders as packages are restored), so
/// the library is loaded by full path from the application's folder or the NuGet cache and SkiaSharp's imports are answered
/// with it.
/// </summary>
public static class SkiaRuntime
{
    static readonly Lazy<string> _loaded = new(Load);

    /// <summary>The font the toy CLIP was trained on: every word of its dataset, and the default of every probe.</summary>
    public const string TrainingFont = "DejaVu Sans Bold";

    /// <summary>The shipped fonts (<c>data/fonts</c>) by name: the training font and two it never saw, for probes across fonts.</summary>
    public static IReadOnlyDictionary<string, string> FontFiles { get; } = new Dictionary<string, string>
    {
        [TrainingFont] = "DejaVuSans-Bold.ttf",
        ["DejaVu Serif Bold"] = "DejaVuSerif-Bold.ttf",
        ["DejaVu Sans Mono Bold"] = "DejaVuSansMono-Bold.ttf",
    };

    static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<SKTypeface>> _fonts = new();

    /// <summary>A shipped font by name (<see cref="FontFiles"/>; null: <see cref="TrainingFont"/>), loaded once.</summary>
    public static SKTypeface Font(string? name = null)
    {
        name ??= TrainingFont;
        if (!FontFiles.TryGetValue(name, out var file))
            throw new ArgumentException(Text.NearestNames.UnknownMessage("font", name, [.. FontFiles.Keys]), nameof(name));
        return _fonts.GetOrAdd(name, _ => new Lazy<SKTypeface>(() =>
        {
            EnsureLoaded();
            var path = Path.Combine(Runtime.InterpPaths.DataFolder(), "fonts", file);
            return SKTypeface.FromFile(path) ?? throw new FileNotFoundException($"The shipped font {name} is missing or unreadable at {path} (see data/fonts/README.md).", path);
        })).Value;
    }

    /// <summary>Loads libSkiaSharp once (a no-op when it is already loaded) and returns where it came from.</summary>
    public static string EnsureLoaded() => _loaded.Value;

    static string Load()
    {
        var assembly = typeof(SKBitmap).Assembly;
        if (NativeLibrary.TryLoad("libSkiaSharp", assembly, DllImportSearchPath.AssemblyDirectory | DllImportSearchPath.ApplicationDirectory, out _))
            return "found by the runtime";
        var rid = (OperatingSystem.IsLinux() ? "linux-" : OperatingSystem.IsMacOS() ? "osx-" : "win-") + RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        var file = OperatingSystem.IsWindows() ? "libSkiaSharp.dll" : OperatingSystem.IsMacOS() ? "libSkiaSharp.dylib" : "libSkiaSharp.so";
        var candidates = new List<string>
        {
            Path.Combine(AppContext.BaseDirectory, file),
            Path.Combine(AppContext.BaseDirectory, "runtimes", rid, "native", file),
        };
        var version = assembly.GetName().Version;
        foreach (var package in new[] { "skiasharp.nativeassets.linux.nodependencies", "skiasharp.nativeassets.linux", "skiasharp.nativeassets.macos",
            "skiasharp.nativeassets.win32" })
        {
            var root = Path.Combine(InterpPaths.NuGetRoot(), package);
            if (!Directory.Exists(root)) continue;
            var preferred = version is null ? null : Path.Combine(root, $"{version.Major}.{version.Minor}.{version.Build}");
            candidates.AddRange(Directory.GetDirectories(root).OrderBy(d => d == preferred ? 0 : 1).ThenByDescending(d => d)
                .Select(d => Path.Combine(d, "runtimes", rid, "native", file)));
        }
        foreach (var path in candidates.Where(File.Exists))
            if (NativeLibrary.TryLoad(path, out var handle))
            {
                // The file's soname (libSkiaSharp.so.<version>) is not the name SkiaSharp imports, so loading it is not
                // enough: answer SkiaSharp's imports with this handle.
                IntPtr Resolve(string name, System.Reflection.Assembly _, DllImportSearchPath? __) => name.StartsWith("libSkiaSharp", StringComparison.Ordinal) ? handle
                    : IntPtr.Zero;
                try { NativeLibrary.SetDllImportResolver(assembly, Resolve); }
                catch (InvalidOperationException)
                {
                    // Someone (e.g. the notebook host) set SkiaSharp's resolver already: answer when its lookup fails.
                    var context = System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(assembly) ?? System.Runtime.Loader.AssemblyLoadContext.Default;
                    context.ResolvingUnmanagedDll += (asm, name) => asm == assembly && name.StartsWith("libSkiaSharp", StringComparison.Ordinal) ? handle : IntPtr.Zero;
                }
                return path;
            }
        throw new DllNotFoundException($"SkiaSharp's native library {file} was not found beside the application or in the NuGet cache ({InterpPaths.NuGetRoot()}). " +
                                       "Reference the NuGet package SkiaSharp.NativeAssets.Linux.NoDependencies 4.155.0 (on Linux), or restore the solution once.");
    }
}
