using System.CommandLine;
using System.Text.Json;
using Interp.Zoo;

namespace Interp.Cli.Verbs;

/// <summary><c>interp env</c>: what this machine and process run on (the report notebook 00 shows).</summary>
static class EnvVerb
{
    public static Command Build()
    {
        var format = Interp.CommandLine.Options.Choice("--format", "text (default) or json.", "text", "text", "json");
        var command = new Command("env", "What this machine and process run on: CPU, threads, native loading, convolution check, C allocator, models present.") { format };
        command.SetAction(parsed =>
        {
            var report = EnvironmentReport.Collect();
            var output = parsed.InvocationConfiguration.Output;
            output.WriteLine(parsed.GetValue(format) == "json" ? JsonSerializer.Serialize(report) : report.ToString());
            return 0;
        });
        return command;
    }
}
