using System.Diagnostics;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Interp.Runtime;

/// <summary>
/// What the CPU this process runs on can do, for choosing a number format and for labelling every
/// timing with the machine it came from. Performance is a property of a CPU, not of the project.
/// </summary>
/// <param name="Model">The CPU's model name, e.g. <c>AMD EPYC 9R14 96-Core Processor</c> (see <see cref="Identity"/> for timings).</param>
/// <param name="Flags">The instruction-set flags the kernel reports (x86 <c>flags</c>, Arm <c>Features</c>); empty where unknown.</param>
/// <param name="NativeBFloat16">Whether bfloat16 arithmetic runs natively (x86 <c>avx512_bf16</c> or <c>amx_bf16</c>, Arm <c>bf16</c>), or, where no flags are readable, whether a
/// measured bfloat16 matmul is at least as fast as float32.</param>
/// <param name="Source">How <paramref name="NativeBFloat16"/> was decided: <c>cpu flags</c> or <c>measured</c>.</param>
public sealed record CpuInfo(string Model, IReadOnlySet<string> Flags, bool NativeBFloat16, string Source)
{
    static readonly Lazy<CpuInfo> _current = new(Detect);

    /// <summary>The CPU of this process (detected once).</summary>
    public static CpuInfo Current => _current.Value;

    /// <summary>Whether the CPU has AVX-512 (foundation).</summary>
    public bool Avx512 => Flags.Contains("avx512f");

    /// <summary>The x86 <c>cpu family</c> and <c>model</c> numbers (e.g. 26 and 2 for a Zen 5 EPYC), or null where not reported.</summary>
    public (int Family, int Model)? FamilyAndModel { get; init; }

    /// <summary>
    /// The model name with the x86 family and model numbers, e.g. <c>AMD EPYC (family 26, model 2)</c>: virtual machines
    /// often report only "AMD EPYC", the same for Zen 3, 4 and 5, so timings are labelled with this.
    /// </summary>
    public string Identity => FamilyAndModel is { } fm ? $"{Model} (family {fm.Family}, model {fm.Model})" : Model;

    /// <summary>One line for reports and benchmark rows, e.g. <c>AMD EPYC 9R14 (AVX-512, native bfloat16)</c>.</summary>
    public string Summary => $"{Model} ({Capabilities})";

    /// <summary>The vector units, bfloat16 support and how it was decided, e.g. <c>AVX-512, native bfloat16; cpu flags</c>.</summary>
    public string Capabilities =>
        $"{(Avx512 ? "AVX-512" : Flags.Contains("avx2") ? "AVX2, no AVX-512" : RuntimeInformation.ProcessArchitecture.ToString())}, " +
        $"{(NativeBFloat16 ? "native bfloat16" : "no native bfloat16: emulated, slower than float32")}; {Source}";

    /// <inheritdoc/>
    public override string ToString() => Summary;

    /// <summary>Warns once per process when <paramref name="dtype"/> is bfloat16 and this CPU only emulates it.</summary>
    public static void WarnIfBFloat16Emulated(ScalarType dtype)
    {
        if (dtype == ScalarType.BFloat16 && !Current.NativeBFloat16)
            Warnings.Once("bfloat16-emulated",
                $"bfloat16 is emulated on this CPU ({Current.Model}: no avx512_bf16/amx_bf16), so it is typically slower than float32 here, " +
                "not faster. Precision.Auto picks float32 on this CPU; use bfloat16 here only to study bfloat16 itself.");
    }

    /// <summary>Reads <c>/proc/cpuinfo</c> text: the first model name and flag list.</summary>
    public static CpuInfo FromProcCpuinfo(string text)
    {
        string? model = null;
        string? flags = null;
        int? family = null, modelNumber = null;
        foreach (var line in text.Split('\n'))
        {
            int colon = line.IndexOf(':');
            if (colon < 0) continue;
            var key = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (model is null && (key == "model name" || key == "Model" || key == "cpu model")) model = value;
            if (flags is null && (key == "flags" || key == "Features")) flags = value;
            if (family is null && key == "cpu family" && int.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var f)) family = f;
            if (modelNumber is null && key == "model" && int.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var m)) modelNumber = m;
        }
        var set = new HashSet<string>((flags ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);
        bool native = set.Contains("avx512_bf16") || set.Contains("amx_bf16") || set.Contains("bf16");
        return new CpuInfo(model ?? "unknown CPU", set, native, "cpu flags")
        {
            FamilyAndModel = family is { } fam && modelNumber is { } num ? (fam, num) : null,
        };
    }

    static CpuInfo Detect()
    {
        if (File.Exists("/proc/cpuinfo"))
        {
            var info = FromProcCpuinfo(File.ReadAllText("/proc/cpuinfo"));
            if (info.Flags.Count > 0) return info;
        }
        // No flags to read (Windows, macOS): measure. bfloat16 "pays" only if a matmul is at least as fast.
        var ratio = MeasureBFloat16OverFloat32();
        return new CpuInfo(RuntimeInformation.ProcessArchitecture + " CPU", new HashSet<string>(), ratio <= 1.0, $"measured: bfloat16 matmul {ratio:0.00}× the float32 time");
    }

    /// <summary>Time of a 512² bfloat16 matmul divided by the float32 time (median of 5, after a warm-up).</summary>
    public static double MeasureBFloat16OverFloat32()
    {
        TorchRuntime.EnsureLoaded();
        double Time(ScalarType dtype)
        {
            using var scope = NewDisposeScope();
            var a = rand([512, 512]).to(dtype);
            var b = rand([512, 512]).to(dtype);
            a.matmul(b);
            var times = new List<double>();
            for (int i = 0; i < 5; i++)
            {
                var sw = Stopwatch.StartNew();
                a.matmul(b);
                times.Add(sw.Elapsed.TotalMilliseconds);
            }
            times.Sort();
            return times[2];
        }
        return Time(ScalarType.BFloat16) / Time(ScalarType.Float32);
    }
}
