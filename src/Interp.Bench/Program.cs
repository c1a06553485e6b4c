using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Interp.Bench;

// Feature-visualization benchmark. `bench` runs every configuration in its own process (so that peak
// memory is per configuration) and prints one JSON line each; `bench-one` runs a single one.
const string Usage = """
    Usage:
      dotnet run -c Release --project src/Interp.Bench -- bench [--steps N] [--quick]
      dotnet run -c Release --project src/Interp.Bench -- bench-one --batch B --threads T --dtype float32|bfloat16 [--steps N]
    """;
if (args.Length == 0) { Console.Error.WriteLine(Usage); return 2; }
int Arg(string name, int fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
string Str(string name, string fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
int steps = Arg("--steps", 12);

switch (args[0])
{
    case "bench":
        var configs = from batch in new[] { 1, 8 } from threads in new[] { 1, 2 } from dtype in new[] { "float32", "bfloat16" } select (batch, threads, dtype);
        if (args.Contains("--quick")) configs = configs.Where(c => c.batch == 1);
        var self = Environment.ProcessPath!;
        var dll = typeof(BenchConfig).Assembly.Location;
        foreach (var (batch, threads, dtype) in configs)
        {
            var psi = new ProcessStartInfo(self, self.EndsWith("dotnet", StringComparison.Ordinal) ? [dll, "bench-one"] : ["bench-one"])
            { RedirectStandardOutput = true };
            foreach (var a in new[] { "--batch", batch.ToString(CultureInfo.InvariantCulture), "--threads", threads.ToString(CultureInfo.InvariantCulture), "--dtype", dtype, "--steps", steps.ToString(CultureInfo.InvariantCulture) })
                psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var line = p.StandardOutput.ReadToEnd().Trim().Split('\n').Last();
            p.WaitForExit();
            if (p.ExitCode != 0) { Console.Error.WriteLine($"configuration batch {batch}, threads {threads}, {dtype} failed (exit {p.ExitCode})"); return 1; }
            Console.WriteLine(line);
        }
        return 0;
    case "bench-one":
        var result = BenchConfig.Run(Arg("--batch", 1), Arg("--threads", 1), Str("--dtype", "float32"), steps);
        Console.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));
        return 0;
    default:
        Console.Error.WriteLine(Usage);
        return 2;
}
