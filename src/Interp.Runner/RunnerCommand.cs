using System.CommandLine;
using System.Globalization;
using Interp.CommandLine;
using Interp.Curriculum;

namespace Interp.Runner;

/// <summary>
/// The runner's command line: execute notebooks headless and write viewable pages (the default), <c>pack</c>, <c>readme</c>.
/// Built on <see cref="CommandLineHost"/>, as the <c>interp</c> tool is: <c>--help</c> everywhere, exit code 2 for bad
/// arguments (naming the option and what is valid), 1 when the work failed.
/// </summary>
public static class RunnerCommand
{
    /// <summary>The command tree.</summary>
    public static RootCommand Build()
    {
        var inputs = new Argument<string[]>("notebooks") { Description = "Notebook folders or .ipynb files.", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out") { Description = "Where to write <name>.ipynb, <name>.html, index.html and summary.json.", Required = true };
        var learner = new Option<bool>("--learner")
        {
            Description = "Write the learner versions (no outputs, solutions folded) to --out without executing them; keep --out inside the repository (the notebooks find data/ " +
                "upwards).",
        };
        var skipSlow = new Option<bool>("--skip-slow") { Description = "Do not run cells tagged 'slow' (a quick preview); each says so on its page." };
        var only = new Option<string?>("--only") { Description = "Run only notebooks whose file name contains this text." };
        var timeout = new Option<double>("--cell-timeout") { Description = "Fail a cell that runs longer than this many minutes; default 20.", DefaultValueFactory = _ => 20 };
        timeout.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double>() is var m && (!double.IsFinite(m) || m <= 0))
                r.AddError($"--cell-timeout must be a positive number of minutes, not {m.ToString(CultureInfo.InvariantCulture)}.");
        });
        var noPack = new Option<bool>("--no-pack") { Description = "Do not pack and install the library first (it must be installed already)." };
        var child = new Option<bool>("--child") { Description = "Internal: run the notebooks in this process.", Hidden = true };
        var root = new RootCommand("""
            Interp.Runner: executes notebooks headless and writes viewable pages. By default it executes the solution version of
            each notebook (every exercise's solution in place; the instructor site). The committed notebooks are the masters;
            see README, "Learner and solution versions".
            """) { inputs, output, learner, skipSlow, only, timeout, noPack, child };
        root.SetAction(parsed => new NotebookRun(
                parsed.GetValue(inputs)!, parsed.GetValue(output)!, parsed.GetValue(learner), parsed.GetValue(skipSlow), parsed.GetValue(only),
                parsed.GetValue(timeout), Pack: !parsed.GetValue(noPack) && !parsed.GetValue(child), parsed.GetValue(child))
            .RunAsync(parsed.InvocationConfiguration.Output, parsed.InvocationConfiguration.Error).GetAwaiter().GetResult());

        var pack = new Command("pack", "Packs the library into artifacts/feed and installs the Interp.Notebooks package where every notebook's `#r \"nuget: Interp.Notebooks, " +
            "<version>\"` finds it (run it after changing the library).");
        pack.SetAction(parsed =>
        {
            var repo = Repo("pack");
            var code = LibraryPackage.PackAndInstall(repo, parsed.InvocationConfiguration.Output);
            if (code != 0) throw new CommandLineException("Packing failed.", 1);
            parsed.InvocationConfiguration.Output.WriteLine($"Installed {LibraryPackage.Id} {LibraryPackage.Version(repo)}; restart notebook kernels to load it.");
            return 0;
        });
        var readme = new Command("readme", "Rewrites README's table of notebooks from notebooks/syllabus.json.");
        readme.SetAction(parsed =>
        {
            var file = Path.Combine(Repo("readme"), "README.md");
            File.WriteAllText(file, Syllabus.Load(Path.Combine(Path.GetDirectoryName(file)!, "notebooks")).WithReadmeTable(File.ReadAllText(file)));
            parsed.InvocationConfiguration.Output.WriteLine($"Rewrote the table of notebooks in {file}.");
            return 0;
        });
        root.Subcommands.Add(pack);
        root.Subcommands.Add(readme);
        return root;
    }

    static string Repo(string verb) =>
        LibraryPackage.FindRepoRoot(Environment.CurrentDirectory) ?? LibraryPackage.FindRepoRoot(AppContext.BaseDirectory)
        ?? throw new CommandLineException($"Run '{verb}' inside the Interp.Notebooks repository (no Interp.Notebooks.sln above the current folder).");
}
