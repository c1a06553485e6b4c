using System.Runtime.InteropServices;

namespace Interp.Runtime;

/// <summary>
/// How much of libtorch's own C++ logging (c10's <c>[W…]</c> lines on stderr) a process shows: libtorch reads
/// <c>TORCH_CPP_LOG_LEVEL</c> when it loads. On CPUs its bundled cpuinfo does not know (measured on an AMD Zen 5, family 26),
/// libtorch 2.10 tries NNPACK for every small-batch stride-1 convolution without gradients and prints "Could not initialize
/// NNPACK! Reason: Unsupported hardware" each time — about 2,000 lines for one training trajectory's measures, hiding the
/// program's own output. So unless the variable is set, the library sets it to <c>ERROR</c> and has libtorch read it
/// (libtorch alone, without PyTorch's Python start-up, never does); set it (e.g. <c>WARNING</c>) to see libtorch's warnings again.
/// </summary>
public static class TorchLogLevel
{
    /// <summary>The variable libtorch reads.</summary>
    public const string Variable = "TORCH_CPP_LOG_LEVEL";

    /// <summary>The level used when the variable is unset.</summary>
    public const string Default = "ERROR";

    /// <summary>Sets <see cref="Variable"/> to <see cref="Default"/> in the native environment when it is unset (Linux; called before libtorch loads).</summary>
    internal static void Configure()
    {
        if (!OperatingSystem.IsLinux() || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable))) return;
        // .NET keeps its own copy of the environment on Unix: the native one, which libtorch reads, is set through libc.
        setenv(Variable, Default, 0);
        Environment.SetEnvironmentVariable(Variable, Default);
    }

    /// <summary>Has libc10 at <paramref name="libc10"/> read the variable (c10::initLogging); nothing when the library or its export is missing.</summary>
    internal static void Apply(string libc10)
    {
        if (!File.Exists(libc10) || !NativeLibrary.TryLoad(libc10, out var handle)) return;
        if (NativeLibrary.TryGetExport(handle, "_ZN3c1011initLoggingEv", out var initLogging))
            Marshal.GetDelegateForFunctionPointer<InitLogging>(initLogging)();
    }

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    delegate void InitLogging();

    [DllImport("libc", EntryPoint = "setenv")]
    static extern int setenv([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);
}
