using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Interp.CommandLine;

/// <summary>
/// Starts the project's programs with tcmalloc as the C allocator when it is installed (Debian's <c>libtcmalloc-minimal4</c>).
/// <para>libtorch takes every tensor from <c>malloc</c>. Under glibc's allocator a render whose tensor sizes change from step
/// to step fragments the heap: at batch 8 on Lucent's path the process held 1.1–1.2 GB for under 0.5 GB in use, and tcmalloc
/// held 0.69 GB at the same speed (docs/benchmarks.md, "Where a render's memory goes"). An allocator can only be chosen
/// when a process starts, through <c>LD_PRELOAD</c>: the <c>interp</c> tool starts itself again with it
/// (<see cref="RunPreloaded"/>), the runner starts its notebook processes with it (<see cref="ApplyTo"/>).</para>
/// <para><c>INTERP_MALLOC</c> (the library's <c>InterpEnvironment.Malloc</c>) decides: unset or <c>auto</c>, tcmalloc when installed;
/// <c>tcmalloc</c>, tcmalloc or an error; <c>glibc</c> or <c>default</c>, no preload.</para>
/// </summary>
public static class AllocatorPreload
{
    /// <summary>The environment variable that chooses the allocator (listed with the others in <c>Interp.Runtime.InterpEnvironment</c>).</summary>
    public const string Variable = "INTERP_MALLOC";

    /// <summary>The file name preloaded: gperftools' tcmalloc without its profilers.</summary>
    public const string LibraryName = "libtcmalloc_minimal.so.4";

    /// <summary>The folders searched for <see cref="LibraryName"/>, in order (Debian's and other distributions' library folders).</summary>
    public static IReadOnlyList<string> Folders { get; } =
        ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/lib"];

    /// <summary>The installed tcmalloc's path, or null (always null off Linux).</summary>
    public static string? Find(IEnumerable<string>? folders = null) =>
        !OperatingSystem.IsLinux() ? null
            : (folders ?? Folders).Select(f => Path.Combine(f, LibraryName)).FirstOrDefault(File.Exists);

    /// <summary>
    /// The library a new process should preload, or null for none, from <c>INTERP_MALLOC</c>'s value and the installed
    /// library (<paramref name="installed"/>, from <see cref="Find"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The variable's value is not one the library accepts.</exception>
    /// <exception cref="InvalidOperationException"><c>tcmalloc</c> is asked for and not installed.</exception>
    public static string? Choose(string? variable, string? installed)
    {
        var choice = string.IsNullOrEmpty(variable) ? "auto" : variable.ToLowerInvariant();
        return choice switch
        {
            "auto" => installed,
            "tcmalloc" => installed ?? throw new InvalidOperationException(
                $"{Variable}=tcmalloc, but {LibraryName} is not in {string.Join(", ", Folders)}; install it (Debian: apt-get install libtcmalloc-minimal4) or unset {Variable}."),
            "glibc" or "default" => null,
            _ => throw new ArgumentException($"{Variable} is '{variable}'; valid: 'auto' (the default: tcmalloc when installed), 'tcmalloc', 'glibc', 'default'."),
        };
    }

    /// <summary>Whether <paramref name="ldPreload"/> (a value of <c>LD_PRELOAD</c>) already names <paramref name="library"/>.</summary>
    public static bool Preloads(string? ldPreload, string library) =>
        (ldPreload ?? "").Split([' ', ':'], StringSplitOptions.RemoveEmptyEntries)
            .Any(p => p == library || Path.GetFileName(p) == Path.GetFileName(library));

    /// <summary>Makes the process <paramref name="start"/> describes preload tcmalloc when <see cref="Choose"/> says so (its environment is this one's, plus the
    /// preload).</summary>
    public static void ApplyTo(ProcessStartInfo start)
    {
        if (Choose(start.Environment.TryGetValue(Variable, out var v) ? v : null, Find()) is not { } library) return;
        start.Environment.TryGetValue("LD_PRELOAD", out var preload);
        if (Preloads(preload, library)) return;
        start.Environment["LD_PRELOAD"] = string.IsNullOrEmpty(preload) ? library : $"{library}:{preload}";
        // tcmalloc reports every allocation above 1 GiB on stderr by default; a whole-layer render can make one.
        start.Environment["TCMALLOC_LARGE_ALLOC_REPORT_THRESHOLD"] = (1L << 40).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Runs <paramref name="main"/> in this process when it already has the allocator <see cref="Choose"/> picks (or none is
    /// to be preloaded); otherwise runs this program again with the same arguments, preloading it, and returns that
    /// process's exit code. Interrupts (Ctrl+C, SIGTERM) reach the new process; this one waits for it.
    /// </summary>
    public static int RunPreloaded(string[] args, Func<int> main)
    {
        string? library;
        try
        {
            library = Choose(Environment.GetEnvironmentVariable(Variable), Find());
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
        // Already preloaded (or asked for and failed to load, which the loader has reported): run here.
        if (library is null || Preloads(Environment.GetEnvironmentVariable("LD_PRELOAD"), library)) return main();

        var self = Environment.ProcessPath ?? throw new InvalidOperationException("The program's own path is unknown; cannot start it again with tcmalloc.");
        var start = new ProcessStartInfo(self) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            start.ArgumentList.Add(Assembly.GetEntryAssembly()?.Location ?? throw new InvalidOperationException("No entry assembly to start again."));
        foreach (var a in args) start.ArgumentList.Add(a);
        ApplyTo(start);
        using var child = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {self} again.");
        // The terminal sends Ctrl+C to both processes; a SIGTERM sent to this one only (a scheduler's) is passed on.
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => c.Cancel = true);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            if (!child.HasExited) _ = kill(child.Id, 15);
        });
        child.WaitForExit();
        return child.ExitCode;
    }

    [DllImport("libc", SetLastError = true)]
    static extern int kill(int pid, int signal);
}
