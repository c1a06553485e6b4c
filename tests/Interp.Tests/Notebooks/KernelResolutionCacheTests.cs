using Interp.Curriculum;

namespace Interp.Tests.Notebooks;

public class KernelResolutionCacheTests
{
    [Fact]
    public void Packing_forgets_the_kernels_cached_resolutions_of_our_packages_and_keeps_the_others()
    {
        var cache = TestPaths.Temp("packagemanagement-cache");
        File.WriteAllText(Path.Combine(cache, "aaa111.csx"), "#r \"/root/.nuget/packages/interp.notebooks/0.1.0/lib/net10.0/Interp.Interactive.dll\"");
        File.WriteAllText(Path.Combine(cache, "aaa111.resolvedReferences.paths"), "/root/.nuget/packages/interp.notebooks.core/0.1.0/lib/net10.0/Interp.dll");
        File.WriteAllText(Path.Combine(cache, "bbb222.csx"), "#r \"/root/.nuget/packages/xplot.plotly/4.1.0/lib/netstandard2.0/XPlot.Plotly.dll\"");
        File.WriteAllText(Path.Combine(cache, "bbb222.resolvedReferences.paths"), "/root/.nuget/packages/xplot.plotly/4.1.0/lib/netstandard2.0/XPlot.Plotly.dll");
        Assert.Equal(1, LibraryPackage.ForgetKernelResolutions(cache));
        Assert.Equal(["bbb222.csx", "bbb222.resolvedReferences.paths"], Directory.GetFiles(cache).Select(Path.GetFileName).Order());
        Assert.Equal(0, LibraryPackage.ForgetKernelResolutions(Path.Combine(cache, "absent")));
    }
}
