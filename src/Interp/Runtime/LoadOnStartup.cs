using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Interp.Runtime;

/// <summary>
/// Runs <see cref="TorchRuntime.EnsureLoaded"/> as soon as this assembly loads, so that TorchSharp's
/// native library is set up before any TorchSharp call that the host makes after touching this
/// library. TorchSharp remembers a failed first load, so the order matters.
/// </summary>
internal static class LoadOnStartup
{
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255", Justification = "TorchSharp must be set up before its first use, whichever call comes first.")]
    internal static void Run()
    {
        // A failure here must not make the assembly unusable: EnsureLoaded runs again on the first
        // real use (it only caches success) and throws the error where the user can see it.
        try { TorchRuntime.EnsureLoaded(); }
        catch (Exception) { }
    }
}
