using Interp.Runtime;
using static TorchSharp.torch;

namespace Interp.FeatureVisualization.Rendering;

/// <summary>The number format of the model and its activations during a render.</summary>
public enum Precision
{
    /// <summary>float32 everywhere (default).</summary>
    Float32,
    /// <summary>The model and activations in bfloat16; the image parameters and optimizer stay float32.</summary>
    BFloat16,
    /// <summary>
    /// bfloat16 where the CPU computes it natively (<see cref="CpuInfo.NativeBFloat16"/>), float32 elsewhere
    /// (where bfloat16 is emulated and slower). In render options: whatever format the model is in.
    /// </summary>
    Auto,
}

/// <summary>Turns a <see cref="Precision"/> into a dtype on this CPU.</summary>
public static class PrecisionChoice
{
    /// <summary>The dtype <paramref name="precision"/> stands for on this CPU (Auto: bfloat16 only where native).</summary>
    public static ScalarType Resolve(Precision precision) => precision switch
    {
        Precision.Float32 => ScalarType.Float32,
        Precision.BFloat16 => ScalarType.BFloat16,
        Precision.Auto => CpuInfo.Current.NativeBFloat16 ? ScalarType.BFloat16 : ScalarType.Float32,
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, "Valid: Float32, BFloat16, Auto."),
    };

    /// <summary>A sentence saying what Auto chooses here and why.</summary>
    public static string ExplainAuto() =>
        $"CPU: {CpuInfo.Current.Identity}. Native bfloat16: {(CpuInfo.Current.NativeBFloat16 ? "yes" : "no")} ({CpuInfo.Current.Source}). " +
        $"Precision.Auto chooses {(Resolve(Precision.Auto) == ScalarType.BFloat16 ? "bfloat16" : "float32")}.";
}
