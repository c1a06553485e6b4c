using Interp.Runtime;
using Interp.Zoo;

namespace Interp.Interactive;

/// <summary>The set-up every notebook's first cell performs.</summary>
public static class NotebookSetup
{
    /// <summary>Whether notebooks run in quick mode: fewer optimization steps, same code.</summary>
    public static bool Quick => Environment.GetEnvironmentVariable(InterpEnvironment.Quick.Name) is "1" or "true";

    /// <summary>
    /// The number of steps to use: <paramref name="full"/> normally, a quarter of it (at least 16) in quick
    /// mode. Quick runs show the same methods with less polished images; nothing is faked.
    /// </summary>
    public static int Steps(int full) => Quick ? Math.Max(16, full / 4) : full;

    /// <summary>
    /// Where a notebook writes pages of its own (e.g. a Microscope slice) called <paramref name="name"/>, and the link to them: under the
    /// site the runner is writing (<c>INTERP_SITE</c>), linked relative to the notebook's page, or else under the cache's
    /// <c>site</c> folder, linked by file URI.
    /// </summary>
    public static (string Folder, string Link) SitePages(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.IndexOfAny(['/', '\\']) >= 0 || name is "." or "..")
            throw new ArgumentException($"'{name}' cannot name a folder of the site (one plain folder name, e.g. 'microscope').", nameof(name));
        if (Environment.GetEnvironmentVariable(InterpEnvironment.Site.Name) is { Length: > 0 } site)
            return (Path.Combine(Path.GetFullPath(site), name), $"{Uri.EscapeDataString(name)}/index.html");
        var folder = Path.Combine(InterpPaths.CacheRoot, "site", name);
        return (folder, new Uri(Path.Combine(folder, "index.html")).AbsoluteUri);
    }

    /// <summary>
    /// Loads TorchSharp (with the older-Linux workaround when needed), fixes the thread count
    /// (results are bitwise reproducible only at a fixed count), registers the notebook formatters,
    /// and returns what the notebook runs on.
    /// </summary>
    public static EnvironmentReport Run(int? threads = null)
    {
        if (threads is < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "The thread count must be at least 1 (or null: INTERP_THREADS, else all cores).");
        Load();
        int n = threads
            ?? (int.TryParse(Environment.GetEnvironmentVariable(InterpEnvironment.Threads.Name), out var t) && t > 0 ? t : Environment.ProcessorCount);
        TorchSharp.torch.set_num_threads(n);
        return EnvironmentReport.Collect();
    }

    /// <summary>
    /// What the package's kernel extension (<c>interactive-extensions/dotnet/extension.dib</c>) runs when
    /// <c>#r "nuget: Interp.Notebooks"</c> loads it: loads TorchSharp, shows library warnings as output and
    /// registers the notebook formatters. Idempotent; <see cref="Run"/> calls it too.
    /// </summary>
    public static void Load()
    {
        TorchRuntime.EnsureLoaded();
        // A library warning (e.g. bfloat16 on a CPU that emulates it) is advice, not an error: show it as output.
        Warnings.Sink = message => Console.WriteLine("⚠ " + message);
        NotebookFormatters.Register();
    }
}
