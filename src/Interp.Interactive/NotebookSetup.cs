using Interp.Runtime;

namespace Interp.Interactive;

/// <summary>The set-up every notebook's first cell performs.</summary>
public static class NotebookSetup
{
    /// <summary>The environment variable that sets the thread count (default: all cores).</summary>
    public const string ThreadsVariable = "INTERP_THREADS";

    /// <summary>
    /// Loads TorchSharp (with the older-Linux workaround when needed), fixes the thread count
    /// (results are bitwise reproducible only at a fixed count), registers the notebook formatters,
    /// and returns what the notebook runs on.
    /// </summary>
    public static EnvironmentReport Run(int? threads = null)
    {
        TorchRuntime.EnsureLoaded();
        int n = threads
            ?? (int.TryParse(Environment.GetEnvironmentVariable(ThreadsVariable), out var t) && t > 0 ? t : Environment.ProcessorCount);
        TorchSharp.torch.set_num_threads(n);
        NotebookFormatters.Register();
        return EnvironmentReport.Collect();
    }
}
