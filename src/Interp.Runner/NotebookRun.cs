using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Interp.CommandLine;
using Interp.Curriculum;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Documents.Jupyter;

namespace Interp.Runner;

/// <summary>
/// One run of the runner over notebooks: checks their tags, then writes the learner versions, or executes each solution
/// version in a process of its own and writes its pages, the index and a summary.
/// </summary>
/// <param name="Inputs">Notebook folders or files.</param>
/// <param name="OutDir">Where the pages go.</param>
/// <param name="Learner">Write the learner versions instead of executing.</param>
/// <param name="SkipSlow">Leave out cells tagged <c>slow</c>.</param>
/// <param name="Only">Keep only notebooks whose file name contains this text.</param>
/// <param name="CellTimeoutMinutes">A cell running longer fails and ends its notebook's process.</param>
/// <param name="Pack">Pack and install the library first.</param>
/// <param name="Child">Run the notebooks in this process (the runner starts itself with it, once per notebook).</param>
sealed record NotebookRun(IReadOnlyList<string> Inputs, string OutDir, bool Learner, bool SkipSlow, string? Only, double CellTimeoutMinutes, bool Pack, bool Child)
{
    static readonly JsonSerializerOptions ResultJson = new() { WriteIndented = true };

    public async Task<int> RunAsync(TextWriter output, TextWriter error)
    {
        var notebooks = new List<string>();
        foreach (var input in Inputs)
        {
            if (Directory.Exists(input)) notebooks.AddRange(Directory.GetFiles(input, "*.ipynb").Order(StringComparer.Ordinal));
            else if (File.Exists(input) && input.EndsWith(".ipynb", StringComparison.OrdinalIgnoreCase)) notebooks.Add(input);
            else throw new CommandLineException($"'{input}' is neither a folder nor an .ipynb file.");
        }
        if (Only is not null) notebooks = notebooks.Where(n => Path.GetFileName(n).Contains(Only, StringComparison.OrdinalIgnoreCase)).ToList();
        if (notebooks.Count == 0) throw new CommandLineException(Only is null ? "No notebooks to run." : $"No notebook's file name contains '{Only}'.");

        // Tags are checked before anything runs: a mistagged exercise would otherwise show its stub on the instructor site.
        var masters = notebooks.Select(n => (Path: n, Master: NotebookDocument.Load(n))).ToList();
        var tagProblems = masters.SelectMany(m => NotebookVersions.TagProblems(m.Master, Path.GetFileName(m.Path))).ToList();
        if (tagProblems.Count > 0) throw new CommandLineException("Cell tags are wrong:\n" + string.Join("\n", tagProblems), 1);
        var syllabusFile = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(notebooks[0]))!, Syllabus.FileName);
        var syllabus = File.Exists(syllabusFile) ? Syllabus.Load(Path.GetDirectoryName(syllabusFile)!) : null;

        Directory.CreateDirectory(OutDir);
        if (Learner)
        {
            foreach (var (path, master) in masters) NotebookVersions.Learner(master).Save(Path.Combine(OutDir, Path.GetFileName(path)));
            if (syllabus is not null) File.Copy(syllabusFile, Path.Combine(OutDir, Syllabus.FileName), overwrite: true);
            output.WriteLine($"Wrote the learner versions of {masters.Count} notebook(s) to {Path.GetFullPath(OutDir)}; open them in Jupyter or VS Code.");
            return 0;
        }

        if (Pack && LibraryPackage.FindRepoRoot(notebooks[0]) is { } root)
        {
            var code = LibraryPackage.PackAndInstall(root, output);
            if (code != 0) throw new CommandLineException($"Packing the library for the notebooks failed (exit code {code}).", 1);
        }
        if (!Child) WritePlotly();

        var results = new List<NotebookResult>();
        var total = Stopwatch.StartNew();
        foreach (var (path, master) in masters)
        {
            var result = Child ? await ExecuteHereAsync(path, master, output) : await ExecuteInOwnProcessAsync(path);
            results.Add(result);
            if (Child && _timedOut) { output.Flush(); Environment.Exit(1); }
        }
        if (Child) return results.All(r => r.Succeeded) ? 0 : 1;

        await File.WriteAllTextAsync(Path.Combine(OutDir, "index.html"), HtmlPage.Index(results, syllabus));
        await File.WriteAllTextAsync(Path.Combine(OutDir, "summary.json"), JsonSerializer.Serialize(results, ResultJson));
        var failed = results.Where(r => !r.Succeeded).ToList();
        foreach (var r in failed)
        {
            var cell = r.Cells.LastOrDefault(c => !c.Succeeded);
            error.WriteLine($"FAILED {r.Name}.ipynb, cell {cell?.Index}: {cell?.Error}");
        }
        output.WriteLine($"Ran {results.Count} notebook(s) in {total.Elapsed.TotalSeconds:F1} s: {results.Count - failed.Count} ok, {failed.Count} failed. Pages in " +
            $"{Path.GetFullPath(OutDir)}");
        return failed.Count == 0 ? 0 : 1;
    }

    bool _timedOut;

    string ResultFile(string name) => Path.Combine(OutDir, name + ".result.json");

    /// <summary>
    /// Runs one notebook in a process of its own, like a kernel: a cell that times out ends its process, so nothing it
    /// started keeps computing while the next notebook runs. The process preloads the C allocator the library prefers.
    /// </summary>
    async Task<NotebookResult> ExecuteInOwnProcessAsync(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        var resultFile = ResultFile(name);
        File.Delete(resultFile);
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self);
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(typeof(NotebookExecutor).Assembly.Location);
        foreach (var a in new[] { path, "--out", OutDir, "--child", "--cell-timeout", CellTimeoutMinutes.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(a);
        if (SkipSlow) start.ArgumentList.Add("--skip-slow");
        AllocatorPreload.ApplyTo(start);
        // INTERP_SITE (Interp.Runtime.InterpEnvironment.Site): where the notebook puts pages of its own, beside its page on the site.
        start.Environment["INTERP_SITE"] = Path.GetFullPath(OutDir);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {self}.");
        await process.WaitForExitAsync();
        var result = File.Exists(resultFile)
            ? JsonSerializer.Deserialize<NotebookResult>(await File.ReadAllTextAsync(resultFile))!
            : new NotebookResult(name, name, [new CellResult(0, false, 0, $"the notebook's process ended without a result (exit code {process.ExitCode})", 0)], 1, 0);
        File.Delete(resultFile);
        return result;
    }

    /// <summary>Executes the solution version of one notebook in this process and writes its pages and result file.</summary>
    async Task<NotebookResult> ExecuteHereAsync(string path, NotebookDocument master, TextWriter output)
    {
        var kernels = new KernelInfoCollection { new KernelInfo("csharp", "C#", ["c#", "C#", "cs"]), new KernelInfo("markdown", "Markdown", ["md"]) };
        kernels.DefaultKernelName = "csharp";
        var executor = new NotebookExecutor(output, TimeSpan.FromMinutes(CellTimeoutMinutes), SkipSlow);
        output.WriteLine($"== {Path.GetFileName(path)} (solution version)");
        // The instructor site shows the solution version: every exercise's folded solution in place, its check run on it.
        var solution = NotebookVersions.Solution(master, Path.GetFileName(path));
        InteractiveDocument document;
        using (var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(solution.ToJson()))) document = Notebook.Read(stream, kernels);
        var result = await executor.RunAsync(path, document, solution.Cells.Select(c => c.Tags).ToList());
        await using (var stream = File.Create(Path.Combine(OutDir, result.Name + ".ipynb"))) Notebook.Write(document, stream, kernels);
        await File.WriteAllTextAsync(Path.Combine(OutDir, result.Name + ".html"), HtmlPage.Render(document, result));
        await File.WriteAllTextAsync(ResultFile(result.Name), JsonSerializer.Serialize(result, ResultJson));
        output.WriteLine($"== {result.Name}: {(result.Succeeded ? "ok" : "FAILED")} in {result.Seconds:F1} s, {result.Cells.Count}/{result.CodeCells} code cells, " +
            $"{result.ErrorOutputs} error output(s)" +
                         (result.SkippedCells.Count > 0 ? $", {result.SkippedCells.Count} skipped" : ""));
        // A timed-out cell was cancelled, but code that ignores cancellation is still computing on another thread: the caller ends the process.
        _timedOut = executor.TimedOut;
        return result;
    }

    void WritePlotly()
    {
        using var plotly = Assembly.GetExecutingAssembly().GetManifestResourceStream("plotly.min.js")
            ?? throw new InvalidOperationException("plotly.min.js is not embedded in the runner; rebuild it (the build fetches the npm package plotly.js-dist-min).");
        using var file = File.Create(Path.Combine(OutDir, HtmlPage.PlotlyFile));
        plotly.CopyTo(file);
    }
}
