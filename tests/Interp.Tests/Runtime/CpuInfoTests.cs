using Interp.FeatureVisualization.Rendering;
using Interp.Runtime;

namespace Interp.Tests.Runtime;

public class CpuInfoTests(ITestOutputHelper output)
{
    const string Zen4 = "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 9R14 96-Core Processor\nflags\t\t: fpu sse avx2 avx512f avx512_bf16 " +
        "avx512_vnni\n\nprocessor\t: 1\nmodel name\t: AMD EPYC 9R14 96-Core Processor\n";
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
    public void Virtual_machines_that_all_say_AMD_EPYC_are_told_apart_by_family_and_model()
    {
        const string zen5 = "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 26\nmodel\t\t: 2\nmodel name\t: AMD EPYC\nflags\t\t: fpu avx2 avx512f avx512_bf16\n";
        const string zen3 = "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\nmodel\t\t: 1\nmodel name\t: AMD EPYC\nflags\t\t: fpu avx2\n";
        var a = CpuInfo.FromProcCpuinfo(zen5);
        var b = CpuInfo.FromProcCpuinfo(zen3);
        Assert.Equal(a.Model, b.Model);
        Assert.Equal("AMD EPYC (family 26, model 2)", a.Identity);
        Assert.Equal("AMD EPYC (family 25, model 1)", b.Identity);
        // "model name" must not be read as "model", and a CPU without the numbers (Arm) keeps its plain name.
        Assert.Equal((26, 2), a.FamilyAndModel);
        Assert.Null(CpuInfo.FromProcCpuinfo(Graviton).FamilyAndModel);
        Assert.Equal(CpuInfo.FromProcCpuinfo(Graviton).Model, CpuInfo.FromProcCpuinfo(Graviton).Identity);
        Assert.Contains(CpuInfo.Current.Identity, Interp.Zoo.EnvironmentReport.Collect().Cpu);
    }

    [Fact]
    public void Auto_precision_follows_this_cpu_and_says_why()
    {
        var cpu = CpuInfo.Current;
        output.WriteLine(cpu.Summary);
        output.WriteLine(PrecisionChoice.ExplainAuto());
        Assert.Equal(cpu.NativeBFloat16 ? TorchSharp.torch.ScalarType.BFloat16 : TorchSharp.torch.ScalarType.Float32, PrecisionChoice.Resolve(Precision.Auto));
        Assert.Contains(cpu.Identity, PrecisionChoice.ExplainAuto());
        Assert.NotEqual("unknown CPU", cpu.Model);
    }
}
