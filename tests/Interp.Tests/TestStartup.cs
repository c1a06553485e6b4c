using System.Runtime.CompilerServices;
using Interp.Runtime;

namespace Interp.Tests;

internal static class TestStartup
{
    /// <summary>Sets up TorchSharp before any test touches it: TorchSharp remembers a failed first load.</summary>
    [ModuleInitializer]
    internal static void Run() => TorchRuntime.EnsureLoaded();
}
