using System.CommandLine;
using Interp.CommandLine;
using Spectre.Console;
using Interp.Datasets;

namespace Interp.Cli.Verbs;

/// <summary><c>interp merge</c>: shards' scan results into one.</summary>
static class MergeVerb
{
    public static Command Build()
    {
        var files = new Argument<FileInfo[]>("results") { Description = "The shards' result files.", Arity = ArgumentArity.OneOrMore };
        var output = new Option<FileInfo>("--out") { Description = "The merged result file (JSON).", Required = true };
        var command = new Command("merge", "Merge the results of scan shards into exactly the result of one pass.") { files, output };
        command.SetAction(parsed =>
        {
            var console = CommandLineHost.ConsoleFor(parsed.InvocationConfiguration.Output);
            var inputs = parsed.GetValue(files)!;
            foreach (var f in inputs)
                if (!f.Exists) throw new CommandLineException($"There is no result file {f.FullName}.");
            var merged = ScanResult.MergeAll(inputs.Select(f => ScanResult.FromJson(File.ReadAllText(f.FullName))));
            var outPath = parsed.GetValue(output)!.FullName;
            File.WriteAllText(outPath, merged.ToJson());
            var table = new Table().AddColumns("results", "images scanned", "images in the dataset", "written to");
            table.AddRow($"{inputs.Length}", $"{merged.ImagesScanned}", $"{merged.DatasetImages}", Markup.Escape(outPath));
            console.Write(table);
            console.WriteLine($"merged {inputs.Length} results: {merged.ImagesScanned} of {merged.DatasetImages} images; wrote {outPath}");
            if (merged.ImagesScanned != merged.DatasetImages) console.WriteLine($"  note: {merged.DatasetImages - merged.ImagesScanned} images are in no shard yet");
            return 0;
        });
        return command;
    }
}
