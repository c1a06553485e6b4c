using System.Runtime.InteropServices;
using Interp.Runtime;

using Interp.Models;

namespace Interp.Zoo;

/// <summary>What a notebook runs on: the facts a learner or instructor checks first.</summary>
public sealed record EnvironmentReport(
    string OperatingSystem,
    string Cpu,
    string DotNet,
    string TorchSharp,
    int Threads,
    int Cores,
    string NativeLoading,
    string Convolution,
    string Allocator,
    IReadOnlyList<string> Models)
{
    /// <summary>Collects the report (loads TorchSharp if needed).</summary>
    public static EnvironmentReport Collect()
    {
        var load = TorchRuntime.EnsureLoaded();
        return new(
            RuntimeInformation.OSDescription,
            $"{CpuInfo.Current.Identity}: {CpuInfo.Current.Capabilities}",
            RuntimeInformation.FrameworkDescription,
            typeof(global::TorchSharp.torch).Assembly.GetName().Version?.ToString() ?? "?",
            global::TorchSharp.torch.get_num_threads(),
            Environment.ProcessorCount,
            load.PatchedCopy is null ? "TorchSharp's own native libraries" : $"patched copy for libstdc++ without {string.Join(", ", load.WeakenedVersions)}",
            "float32 " + Interp.Models.SafeConv2d.SelfTest.Summary,
            NativeAllocator.Current.Description,
            ModelZoo.Entries.Select(e => { var a = e.Availability(); return $"{e.Name}: {(a.IsPresent ? "present" : "absent — " + a.HowToGet)}"; }).ToList());
    }

    /// <summary>A multi-line plain-text form.</summary>
    public override string ToString() =>
        $"OS: {OperatingSystem}\nCPU: {Cpu}\n.NET: {DotNet}\nTorchSharp: {TorchSharp}\nThreads: {Threads} of {Cores} cores\nNative loading: {NativeLoading}\nConvolution: " +
            $"{Convolution}\nAllocator: {Allocator}\nModels:\n  " + string.Join("\n  ", Models);
}
