using System.Runtime.InteropServices;
using Interp.Runtime;

namespace Interp.Tests.Runtime;

public class NativeAllocatorTests(ITestOutputHelper output)
{
    static bool IsGlibc => OperatingSystem.IsLinux() && NativeLibrary.TryLoad("libc.so.6", out var h) && NativeLibrary.TryGetExport(h, "gnu_get_libc_version", out _);

    [SkippableFact]
    public void On_glibc_the_settings_are_in_force_once_torch_is_loaded()
    {
        Skip.IfNot(IsGlibc, "The allocator tuning applies to glibc on Linux only.");
        Skip.If(Environment.GetEnvironmentVariable(InterpEnvironment.Malloc.Name) == "default", $"{InterpEnvironment.Malloc.Name}=default: the tuning is off in this run.");
        TorchRuntime.EnsureLoaded();
        // mallopt returns 1 only when glibc accepted the value (it refuses an mmap threshold above 32 MiB, say).
        Assert.True(NativeAllocator.Current.Tuned, NativeAllocator.Current.Description);
        Assert.Matches(@"^glibc 2\.\d+: blocks up to 32 MiB from the heap, trimmed above 512 MiB free$", NativeAllocator.Current.Description);
        Assert.Same(NativeAllocator.Current, NativeAllocator.Configure());
        output.WriteLine(NativeAllocator.Current.Description);
    }

    [Fact]
    public void Only_default_or_nothing_is_accepted_in_the_environment_variable()
    {
        Assert.False(NativeAllocator.Apply("default").Tuned);
        Assert.Contains("INTERP_MALLOC=default", NativeAllocator.Apply("DEFAULT").Description);
        var e = Assert.Throws<ArgumentException>(() => NativeAllocator.Apply("fast"));
        Assert.Contains("'fast'", e.Message);
        Assert.Contains("valid: 'default'", e.Message);
    }
}
