using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Interp.Curriculum;
using Interp.Runner;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Documents.Jupyter;

const string Usage = """
    Interp.Runner: executes notebooks headless and writes viewable pages.

    Usage: dotnet run --project src/Interp.Runner -- <notebooks folder or .ipynb files…> --out <folder> [options]
           dotnet run --project src/Interp.Runner -- pack
           dotnet run --project src/Interp.Runner -- readme

    By default the runner executes the solution version of each notebook (every exercise's solution in place; the instructor
    site). The committed notebooks are the masters; see README, "Learner and solution versions".

    pack                     packs the library into artifacts/feed and installs the Interp.Notebooks package where every
                             notebook's `#r "nuget: Interp.Notebooks, <version>"` finds it (run it after changing the library)
    readme                   rewrites README's table of notebooks from notebooks/syllabus.json

    Options:
      --out <folder>         where to write <name>.ipynb, <name>.html, index.html and summary.json (required)
      --learner              write the learner versions (no outputs, solutions folded) to --out without executing them;
                             keep --out inside the repository (the notebooks find data/ upwards from their folder)
      --skip-slow            do not run cells tagged 'slow' (a quick preview); each says so on its page
      --only <text>          run only notebooks whose file name contains <text>
      --cell-timeout <min>   fail a cell that runs longer than this many minutes (default 20)
      --no-pack              do not pack and install the library first (it must be installed already)
    """;

string? Repo() => LibraryPackage.FindRepoRoot(Environment.CurrentDirectory) ?? LibraryPackage.FindRepoRoot(AppContext.BaseDirectory);

if (args is ["readme"])
{
    var repo = Repo();
    if (repo is null) { Console.Error.WriteLine("Run 'readme' inside the Interp.Notebooks repository (no Interp.Notebooks.sln above the current folder)."); return 2; }
    var readme = Path.Combine(repo, "README.md");
    File.WriteAllText(readme, Syllabus.Load(Path.Combine(repo, "notebooks")).WithReadmeTable(File.ReadAllText(readme)));
    Console.WriteLine($"Rewrote the table of notebooks in {readme}.");
    return 0;
}

if (args is ["pack"])
{
    var repo = Repo();
    if (repo is null) { Console.Error.WriteLine("Run 'pack' inside the Interp.Notebooks repository (no Interp.Notebooks.sln above the current folder)."); return 2; }
    var code = LibraryPackage.PackAndInstall(repo, Console.Out);
    Console.WriteLine(code == 0 ? $"Installed {LibraryPackage.Id} {LibraryPackage.Version(repo)}; restart notebook kernels to load it." : "Packing failed.");
    return code;
}

var inputs = new List<string>();
string? outDir = null, only = null;
double timeoutMinutes = 20;
bool pack = true, learner = false, skipSlow = false, child = false;
for (int i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.\n{Usage}");
    switch (args[i])
    {
        case "--out": outDir = Next(); break;
        case "--only": only = Next(); break;
        case "--cell-timeout": timeoutMinutes = double.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture); break;
        case "--no-pack": pack = false; break;
        case "--learner": learner = true; break;
        case "--skip-slow": skipSlow = true; break;
        case "--child": child = true; pack = false; break; // internal: run the notebooks in this process (see below)
        case "-h" or "--help": Console.WriteLine(Usage); return 0;
        default:
            if (args[i].StartsWith("--", StringComparison.Ordinal)) { Console.Error.WriteLine($"Unknown option {args[i]}.\n{Usage}"); return 2; }
            inputs.Add(args[i]);
            break;
    }
}
if (inputs.Count == 0 || outDir is null) { Console.Error.WriteLine(Usage); return 2; }

var notebooks = new List<string>();
foreach (var input in inputs)
{
    if (Directory.Exists(input)) notebooks.AddRange(Directory.GetFiles(input, "*.ipynb").Order(StringComparer.Ordinal));
    else if (File.Exists(input) && input.EndsWith(".ipynb", StringComparison.OrdinalIgnoreCase)) notebooks.Add(input);
    else { Console.Error.WriteLine($"'{input}' is neither a folder nor an .ipynb file."); return 2; }
}
if (only is not null) notebooks = notebooks.Where(n => Path.GetFileName(n).Contains(only, StringComparison.OrdinalIgnoreCase)).ToList();
if (notebooks.Count == 0) { Console.Error.WriteLine("No notebooks to run."); return 2; }

// Tags are checked before anything runs: a mistagged exercise would otherwise show its stub on the instructor site.
var masters = notebooks.Select(n => (Path: n, Master: NotebookDocument.Load(n))).ToList();
var tagProblems = masters.SelectMany(m => NotebookVersions.TagProblems(m.Master, Path.GetFileName(m.Path))).ToList();
if (tagProblems.Count > 0) { Console.Error.WriteLine("Cell tags are wrong:\n" + string.Join("\n", tagProblems)); return 1; }
var syllabusFile = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(notebooks[0]))!, Syllabus.FileName);
var syllabus = File.Exists(syllabusFile) ? Syllabus.Load(Path.GetDirectoryName(syllabusFile)!) : null;

Directory.CreateDirectory(outDir);
if (learner)
{
    foreach (var (path, master) in masters) NotebookVersions.Learner(master).Save(Path.Combine(outDir, Path.GetFileName(path)));
    if (syllabus is not null) File.Copy(syllabusFile, Path.Combine(outDir, Syllabus.FileName), overwrite: true);
    Console.WriteLine($"Wrote the learner versions of {masters.Count} notebook(s) to {Path.GetFullPath(outDir)}; open them in Jupyter or VS Code.");
    return 0;
}

if (pack && LibraryPackage.FindRepoRoot(notebooks[0]) is { } root)
{
    var code = LibraryPackage.PackAndInstall(root, Console.Out);
    if (code != 0) { Console.Error.WriteLine($"Packing the library for the notebooks failed (exit code {code})."); return 1; }
}

if (!child)
using (var plotly = Assembly.GetExecutingAssembly().GetManifestResourceStream("plotly.min.js")
    ?? throw new InvalidOperationException("plotly.min.js is not embedded in the runner; rebuild it (the build fetches the npm package plotly.js-dist-min)."))
using (var file = File.Create(Path.Combine(outDir, HtmlPage.PlotlyFile)))
    plotly.CopyTo(file);

var kernels = new KernelInfoCollection { new KernelInfo("csharp", "C#", ["c#", "C#", "cs"]), new KernelInfo("markdown", "Markdown", ["md"]) };
kernels.DefaultKernelName = "csharp";
var results = new List<NotebookResult>();
var total = Stopwatch.StartNew();
var resultJson = new JsonSerializerOptions { WriteIndented = true };
foreach (var (path, master) in masters)
{
    var name = Path.GetFileNameWithoutExtension(path);
    var resultFile = Path.Combine(outDir, name + ".result.json");
    if (!child)
    {
        // Each notebook runs in a process of its own, like a kernel: a cell that times out ends its process, so nothing
        // it started keeps computing while the next notebook runs.
        File.Delete(resultFile);
        var self = Environment.ProcessPath!;
        var psi = new ProcessStartInfo(self);
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") psi.ArgumentList.Add(typeof(NotebookExecutor).Assembly.Location);
        foreach (var a in new[] { path, "--out", outDir, "--child", "--cell-timeout", timeoutMinutes.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            psi.ArgumentList.Add(a);
        if (skipSlow) psi.ArgumentList.Add("--skip-slow");
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {self}.");
        await process.WaitForExitAsync();
        results.Add(File.Exists(resultFile)
            ? JsonSerializer.Deserialize<NotebookResult>(File.ReadAllText(resultFile))!
            : new NotebookResult(name, name, [new CellResult(0, false, 0, $"the notebook's process ended without a result (exit code {process.ExitCode})", 0)], 1, 0));
        File.Delete(resultFile);
        continue;
    }

    var executor = new NotebookExecutor(Console.Out, TimeSpan.FromMinutes(timeoutMinutes), skipSlow);
    Console.WriteLine($"== {Path.GetFileName(path)} (solution version)");
    // The instructor site shows the solution version: every exercise's folded solution in place, its check run on it.
    var solution = NotebookVersions.Solution(master, Path.GetFileName(path));
    InteractiveDocument document;
    using (var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(solution.ToJson()))) document = Notebook.Read(stream, kernels);
    var result = await executor.RunAsync(path, document, solution.Cells.Select(c => c.Tags).ToList());
    results.Add(result);
    await using (var stream = File.Create(Path.Combine(outDir, result.Name + ".ipynb"))) Notebook.Write(document, stream, kernels);
    await File.WriteAllTextAsync(Path.Combine(outDir, result.Name + ".html"), HtmlPage.Render(document, result));
    await File.WriteAllTextAsync(resultFile, JsonSerializer.Serialize(result, resultJson));
    Console.WriteLine($"== {result.Name}: {(result.Succeeded ? "ok" : "FAILED")} in {result.Seconds:F1} s, {result.Cells.Count}/{result.CodeCells} code cells, {result.ErrorOutputs} error output(s)" +
                      (result.SkippedCells.Count > 0 ? $", {result.SkippedCells.Count} skipped" : ""));
    // A timed-out cell was cancelled, but code that ignores cancellation is still computing on another thread: end the process.
    if (executor.TimedOut) { Console.Out.Flush(); Environment.Exit(1); }
}
if (child) return results.All(r => r.Succeeded) ? 0 : 1;

await File.WriteAllTextAsync(Path.Combine(outDir, "index.html"), HtmlPage.Index(results, syllabus));
await File.WriteAllTextAsync(Path.Combine(outDir, "summary.json"), JsonSerializer.Serialize(results, resultJson));

var failed = results.Where(r => !r.Succeeded).ToList();
foreach (var r in failed)
{
    var cell = r.Cells.LastOrDefault(c => !c.Succeeded);
    Console.Error.WriteLine($"FAILED {r.Name}.ipynb, cell {cell?.Index}: {cell?.Error}");
}
Console.WriteLine($"Ran {results.Count} notebook(s) in {total.Elapsed.TotalSeconds:F1} s: {results.Count - failed.Count} ok, {failed.Count} failed. Pages in {Path.GetFullPath(outDir)}");
return failed.Count == 0 ? 0 : 1;
