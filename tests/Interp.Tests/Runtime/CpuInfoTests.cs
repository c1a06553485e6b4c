using Interp.FeatureVisualization.Rendering;
using Interp.Runtime;

namespace Interp.Tests.Runtime;

public class CpuInfoTests(ITestOutputHelper output)
{
    const string Zen4 = "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 9R14 96-Core Processor\nflags\t\t: fpu sse avx2 avx512f avx512_bf16 avx512_vnni\n\nprocessor\t: 1\nmodel name\t: AMD EPYC 9R14 96-Core Processor\n";
    const string Xeon = "processor\t: 0\nmodel name\t: Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz\nflags\t\t: fpu sse avx2 avx512f avx512_vnni\n";
    const string Zen3 = "processor\t: 0\nmodel name\t: AMD EPYC\nflags\t\t: fpu sse avx2 fma\n";
    const string Graviton = "processor\t: 0\nBogoMIPS\t: 243.75\nFeatures\t: fp asimd bf16 i8mm\nCPU implementer\t: 0x41\n";

    [Fact]
    public void Native_bfloat16_is_read_from_the_cpu_flags()
    {
        var zen4 = CpuInfo.FromProcCpuinfo(Zen4);
        Assert.Equal("AMD EPYC 9R14 96-Core Processor", zen4.Model);
        Assert.True(zen4.NativeBFloat16);
        Assert.True(zen4.Avx512);
        Assert.Contains("native bfloat16", zen4.Summary);
        var xeon = CpuInfo.FromProcCpuinfo(Xeon);
        Assert.False(xeon.NativeBFloat16);
        Assert.True(xeon.Avx512);
        Assert.Contains("emulated", xeon.Summary);
        var zen3 = CpuInfo.FromProcCpuinfo(Zen3);
        Assert.False(zen3.NativeBFloat16);
        Assert.Contains("AVX2, no AVX-512", zen3.Summary);
        Assert.True(CpuInfo.FromProcCpuinfo(Graviton).NativeBFloat16);
    }

    [Fact]
    public void Auto_precision_follows_this_cpu_and_says_why()
    {
        var cpu = CpuInfo.Current;
        output.WriteLine(cpu.Summary);
        output.WriteLine(PrecisionChoice.ExplainAuto());
        Assert.Equal(cpu.NativeBFloat16 ? TorchSharp.torch.ScalarType.BFloat16 : TorchSharp.torch.ScalarType.Float32, PrecisionChoice.Resolve(Precision.Auto));
        Assert.Contains(cpu.Model, PrecisionChoice.ExplainAuto());
        Assert.NotEqual("unknown CPU", cpu.Model);
    }
}
