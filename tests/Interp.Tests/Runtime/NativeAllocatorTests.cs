using System.Diagnostics;
using System.Text.Json;
using Interp.CommandLine;
using Interp.Runtime;
using Interp.Tests.Notebooks;

namespace Interp.Tests.Runtime;

public class NativeAllocatorTests(ITestOutputHelper output)
{
    [Fact]
    public void The_allocator_in_force_is_the_one_mapped_into_the_process()
    {
        TorchRuntime.EnsureLoaded();
        var settings = NativeAllocator.Current;
        output.WriteLine(settings.Description);
        Assert.Same(settings, NativeAllocator.Configure());
        if (NativeAllocator.TcmallocPath() is { } path)
        {
            // The test host was started with LD_PRELOAD: tcmalloc serves malloc, and it reports what it has handed out.
            Assert.Equal(NativeAllocatorKind.Tcmalloc, settings.Kind);
            Assert.Contains("libtcmalloc", path);
        }
        else if (OperatingSystem.IsLinux() && Environment.GetEnvironmentVariable(InterpEnvironment.Malloc.Name) is null or "" or "auto" or "glibc")
        {
            // mallopt returns 1 only when glibc accepted the value (it refuses an mmap threshold above 32 MiB, say).
            Assert.Equal(NativeAllocatorKind.GlibcTuned, settings.Kind);
            Assert.Matches(@"^glibc 2\.\d+: blocks up to 32 MiB from the heap, trimmed above 512 MiB free$", settings.Description);
        }
        if (OperatingSystem.IsLinux())
        {
            using var t = TorchSharp.torch.zeros(64L << 20 >> 2); // 64 MiB handed out
            Assert.True(NativeAllocator.InUseBytes() >= 64L << 20, $"in use: {NativeAllocator.InUseBytes()} bytes with a 64 MiB tensor alive");
        }
    }

    [Fact]
    public void The_variable_takes_the_listed_choices_and_each_is_checked_against_the_process()
    {
        Assert.Equal(NativeAllocatorKind.GlibcDefault, NativeAllocator.Apply("DEFAULT", tcmallocLoaded: false).Kind);
        Assert.Contains("INTERP_MALLOC=default", NativeAllocator.Apply("default", false).Description);
        Assert.Equal(NativeAllocatorKind.Tcmalloc, NativeAllocator.Apply(null, tcmallocLoaded: true).Kind);
        Assert.Equal(NativeAllocatorKind.Tcmalloc, NativeAllocator.Apply("tcmalloc", tcmallocLoaded: true).Kind);
        var bad = Assert.Throws<ArgumentException>(() => NativeAllocator.Apply("fast", false));
        Assert.Contains("'fast'", bad.Message);
        Assert.Contains("valid: 'auto', 'tcmalloc', 'glibc', 'default'", bad.Message);
        var missing = Assert.Throws<InvalidOperationException>(() => NativeAllocator.Apply("tcmalloc", tcmallocLoaded: false));
        Assert.Contains("libtcmalloc-minimal4", missing.Message);
        var contrary = Assert.Throws<InvalidOperationException>(() => NativeAllocator.Apply("glibc", tcmallocLoaded: true));
        Assert.Contains("started with tcmalloc", contrary.Message);
    }

    [Fact]
    public void The_programs_preload_tcmalloc_exactly_when_the_variable_and_the_installation_say_so()
    {
        const string lib = "/opt/x/libtcmalloc_minimal.so.4";
        Assert.Equal(lib, AllocatorPreload.Choose(null, lib));
        Assert.Equal(lib, AllocatorPreload.Choose("Auto", lib));
        Assert.Null(AllocatorPreload.Choose("auto", null));
        Assert.Null(AllocatorPreload.Choose("glibc", lib));
        Assert.Null(AllocatorPreload.Choose("default", lib));
        Assert.Equal(lib, AllocatorPreload.Choose("tcmalloc", lib));
        Assert.Contains("apt-get install libtcmalloc-minimal4", Assert.Throws<InvalidOperationException>(() => AllocatorPreload.Choose("tcmalloc", null)).Message);
        Assert.Contains("'jemalloc'", Assert.Throws<ArgumentException>(() => AllocatorPreload.Choose("jemalloc", lib)).Message);
        // The two sides (the programs that preload, the library that reports) accept the same values.
        foreach (var choice in NativeAllocator.Choices) AllocatorPreload.Choose(choice, lib);
        Assert.Throws<ArgumentException>(() => NativeAllocator.Choice("jemalloc"));

        Assert.True(AllocatorPreload.Preloads($"/a/libfoo.so {lib}", lib));
        Assert.True(AllocatorPreload.Preloads("libtcmalloc_minimal.so.4:/a/libfoo.so", lib));
        Assert.False(AllocatorPreload.Preloads("/a/libfoo.so", lib));
        Assert.False(AllocatorPreload.Preloads(null, lib));

        var folder = TestPaths.Temp("tcmalloc-find");
        Assert.Null(AllocatorPreload.Find([folder]));
        File.WriteAllBytes(Path.Combine(folder, AllocatorPreload.LibraryName), []);
        Assert.Equal(OperatingSystem.IsLinux() ? Path.Combine(folder, AllocatorPreload.LibraryName) : null, AllocatorPreload.Find([folder]));

        var start = new ProcessStartInfo("true");
        start.Environment[InterpEnvironment.Malloc.Name] = "glibc";
        start.Environment.Remove("LD_PRELOAD");
        AllocatorPreload.ApplyTo(start);
        Assert.False(start.Environment.ContainsKey("LD_PRELOAD"));
        start.Environment[InterpEnvironment.Malloc.Name] = "auto";
        start.Environment["LD_PRELOAD"] = "/a/libfoo.so";
        AllocatorPreload.ApplyTo(start);
        Assert.Equal(AllocatorPreload.Find() is { } installed ? $"{installed}:/a/libfoo.so" : "/a/libfoo.so", start.Environment["LD_PRELOAD"]);
    }

    [Fact]
    public void The_interp_tool_runs_itself_with_tcmalloc_when_installed_and_with_glibc_when_told()
    {
        var cli = typeof(Interp.Cli.InterpCommand).Assembly.Location;
        string Allocator(string? malloc)
        {
            var (code, log) = NotebookTests.Dotnet([cli, "env", "--format", "json"], TimeSpan.FromMinutes(3),
                new Dictionary<string, string?> { [InterpEnvironment.Malloc.Name] = malloc, ["LD_PRELOAD"] = null });
            Assert.True(code == 0, log);
            var json = log.Split('\n').Last(l => l.StartsWith('{'));
            return JsonDocument.Parse(json).RootElement.GetProperty("Allocator").GetString()!;
        }
        var auto = Allocator(null);
        output.WriteLine(auto);
        if (AllocatorPreload.Find() is not null) Assert.StartsWith("tcmalloc", auto);
        else Assert.DoesNotContain("tcmalloc", auto);
        Assert.DoesNotContain("tcmalloc", Allocator("glibc"));
    }
}
