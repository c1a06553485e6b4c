using Interp.Runtime;
using static TorchSharp.torch;

namespace Interp.Tests.Runtime;

public class TorchRuntimeTests
{
    [Fact]
    public void TorchSharp_computes_on_this_machine()
    {
        var report = TorchRuntime.EnsureLoaded();
        using var a = tensor(new float[] { 1, 2, 3, 4 }, [2, 2]);
        using var b = tensor(new float[] { 5, 6, 7, 8 }, [2, 2]);
        using var c = a.matmul(b);
        Assert.Equal(new float[] { 19, 22, 43, 50 }, c.data<float>().ToArray());
        Assert.NotNull(report.Message);
    }

    [Fact]
    public void The_workaround_is_applied_exactly_when_the_system_lacks_the_version()
    {
        var report = TorchRuntime.EnsureLoaded();
        var stdcxx = File.ReadLines("/proc/self/maps").Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(p => p.Length >= 6 && Path.GetFileName(p[5]).StartsWith("libstdc++.so", StringComparison.Ordinal)).Select(p => p[5]).First();
        bool systemHasIt = ElfFile.Read(stdcxx).VersionDefinitions().Contains("GLIBCXX_3.4.32");
        Assert.Equal(!systemHasIt, report.PatchedCopy is not null);
        if (report.PatchedCopy is { } copy)
        {
            Assert.StartsWith(InterpPaths.CacheRoot, copy);
            Assert.Equal(["GLIBCXX_3.4.32"], report.WeakenedVersions);
            Assert.True(ElfFile.Read(copy).VersionNeeds().Single(n => n.Name == "GLIBCXX_3.4.32").IsWeak);
            // The NuGet cache is never modified.
            Assert.False(ElfFile.Read(TestPaths.TorchSharpNative).VersionNeeds().Single(n => n.Name == "GLIBCXX_3.4.32").IsWeak);
        }
    }
}
