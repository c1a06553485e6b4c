using System.Diagnostics;
using Interp.Curriculum;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;
using Microsoft.DotNet.Interactive.PackageManagement;

namespace Interp.Runner;

/// <summary>
/// Executes a notebook headless and in-process with a fresh C# kernel that supports
/// <c>#r "nuget: …"</c>, the way the stock Jupyter kernel runs it. One kernel at a time.
/// </summary>
public sealed class NotebookExecutor(TextWriter log, TimeSpan cellTimeout, bool skipSlow = false)
{
    /// <summary>
    /// Runs every code cell in order, stopping at the first failure, and fills the cells' outputs. <paramref name="tags"/>
    /// holds each element's cell tags (same order as <paramref name="document"/>'s elements): <c>slow</c> cells are not run
    /// under <c>skipSlow</c>, and a <c>needs-download</c> cell that prints "Skipped: …" is recorded as skipped.
    /// </summary>
    public async Task<NotebookResult> RunAsync(string path, InteractiveDocument document, IReadOnlyList<IReadOnlyList<string>>? tags = null)
    {
        if (tags is not null && tags.Count != document.Elements.Count)
            throw new ArgumentException($"{tags.Count} tag lists for {document.Elements.Count} cells.", nameof(tags));
        var name = Path.GetFileNameWithoutExtension(path);
        _pendingScripts.Clear();
        var codeCells = document.Elements.Where(IsCode).ToList();
        var results = new List<CellResult>();
        var total = Stopwatch.StartNew();
        var previousDirectory = Environment.CurrentDirectory;
        // Relative paths in cells (data files) resolve against the notebook's
        // folder, as in Jupyter, which starts kernels there.
        Environment.CurrentDirectory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        using var kernel = CreateKernel();
        try
        {
            int executionCount = 0;
            foreach (var (cell, i) in document.Elements.Select((c, i) => (c, i + 1)))
            {
                if (!IsCode(cell)) continue;
                executionCount++;
                var watch = Stopwatch.StartNew();
                cell.Outputs.Clear();
                var cellTags = tags?[i - 1] ?? [];
                if (skipSlow && cellTags.Contains(CellTags.Slow))
                {
                    const string reason = "tagged 'slow' and skipped by --skip-slow (a quick preview); run without the flag to execute it";
                    cell.Outputs.Add(new TextElement($"{CellTags.SkippedPrefix} {reason}.\n", "stdout"));
                    results.Add(new CellResult(i, true, 0, null, 0, reason));
                    log.WriteLine($"[{name}] cell {i}/{document.Elements.Count} skipped (slow)");
                    continue;
                }
                // As in the stock kernel: package directives first, then the packages' extension scripts, then the code.
                var (packages, code) = SplitPackageDirectives(cell.Contents);
                var (ok, error, errorOutputs) = packages is null ? (true, null, 0) : await RunCellAsync(kernel, cell, packages, executionCount);
                while (ok && _pendingScripts.TryDequeue(out var script))
                {
                    cell.Outputs.Add(new TextElement($"Loading extension script from `{script}`\n", "stdout"));
                    (ok, error, var scriptErrors) = await RunCellAsync(kernel, cell, KernelExtensionScript.Code(script), executionCount);
                    errorOutputs += scriptErrors;
                }
                if (ok)
                {
                    (ok, error, var codeErrors) = await RunCellAsync(kernel, cell, code, executionCount);
                    errorOutputs += codeErrors;
                }
                cell.ExecutionOrder = executionCount;
                watch.Stop();
                // A needs-download cell says so itself when the download is absent; the page and index show it.
                string? skipped = ok && cellTags.Contains(CellTags.NeedsDownload)
                    ? cell.Outputs.OfType<TextElement>().SelectMany(t => t.Text.Split('\n')).FirstOrDefault(l => l.StartsWith(CellTags.SkippedPrefix,
                        StringComparison.Ordinal))?[CellTags.SkippedPrefix.Length..].Trim()
                    : null;
                results.Add(new CellResult(i, ok, watch.Elapsed.TotalSeconds, error, errorOutputs, skipped));
                log.WriteLine($"[{name}] cell {i}/{document.Elements.Count} {(ok ? "ok" : "FAILED")} ({watch.Elapsed.TotalSeconds:F1} " +
                    $"s){(errorOutputs > 0 && ok ? $", {errorOutputs} error output(s)" : "")}");
                if (!ok)
                {
                    log.WriteLine($"[{name}] cell {i} failed: {error}");
                    break;
                }
            }
        }
        finally
        {
            Environment.CurrentDirectory = previousDirectory;
        }
        return new NotebookResult(name, Title(document, name), results, codeCells.Count, total.Elapsed.TotalSeconds);
    }

    static bool IsCode(InteractiveDocumentElement e) => e.KernelName is not ("markdown" or "md");

    CompositeKernel CreateKernel()
    {
        var composite = new CompositeKernel();
        var csharp = new CSharpKernel().UseNugetDirective(async (k, packages) =>
        {
            // As the dotnet-interactive tool does: the kernel restores, the host adds the references.
            k.AddAssemblyReferences(packages.SelectMany(p => p.AssemblyPaths));
            await LoadKernelExtensionsAsync(composite, packages);
        }).UseKernelHelpers();
        composite.Add(csharp);
        composite.DefaultKernelName = csharp.Name;
        return composite;
    }

    /// <summary>How long a timed-out cell has to stop after it is cancelled, so that its last outputs are kept.</summary>
    public static readonly TimeSpan CancelGrace = TimeSpan.FromSeconds(5);

    /// <summary>
    /// True once a cell timed out. It was cancelled, but code that ignores cancellation may still be computing in this
    /// process, so the caller must run nothing more in it: the runner writes what it has and ends the process.
    /// </summary>
    public bool TimedOut { get; private set; }

    /// <summary>Extension scripts of packages loaded by the running cell, run right after it (in its output).</summary>
    readonly Queue<string> _pendingScripts = new();

    /// <summary>
    /// Loads the kernel extensions that NuGet packages ship in <c>interactive-extensions/dotnet</c>, as the
    /// dotnet-interactive tool does (the in-process kernel does not do it by itself): <c>IKernelExtension</c>
    /// types in its assemblies now, its <c>extension.dib</c> script as soon as the cell that loaded it ends.
    /// </summary>
    async Task LoadKernelExtensionsAsync(Kernel kernel, IReadOnlyList<ResolvedPackageReference> packages)
    {
        foreach (var package in packages)
        {
            var dir = Path.Combine(package.PackageRoot, "interactive-extensions", "dotnet");
            if (!Directory.Exists(dir)) continue;
            var script = Path.Combine(dir, "extension.dib");
            if (File.Exists(script)) _pendingScripts.Enqueue(script);
            foreach (var dll in Directory.GetFiles(dir, "*.dll"))
            {
                var assembly = System.Reflection.Assembly.LoadFrom(dll);
                foreach (var type in assembly.GetExportedTypes().Where(t => typeof(IKernelExtension).IsAssignableFrom(t) && !t.IsAbstract))
                    if (Activator.CreateInstance(type) is IKernelExtension extension)
                        await extension.OnLoadAsync(kernel);
            }
        }
    }

    /// <summary>A cell's <c>#r "nuget: …"</c> and <c>#i "nuget: …"</c> lines (null when none) and the rest of its code.</summary>
    internal static (string? Packages, string Code) SplitPackageDirectives(string contents)
    {
        var lines = contents.Split('\n');
        static bool IsPackage(string l) => l.TrimStart().StartsWith("#r \"nuget:", StringComparison.Ordinal) || l.TrimStart().StartsWith("#i \"nuget:", StringComparison.Ordinal);
        var packages = lines.Where(IsPackage).ToList();
        return packages.Count == 0 ? (null, contents) : (string.Join("\n", packages), string.Join("\n", lines.Where(l => !IsPackage(l))));
    }

    async Task<(bool Ok, string? Error, int ErrorOutputs)> RunCellAsync(Kernel kernel, InteractiveDocumentElement cell, string code, int executionCount)
    {
        var outputs = new List<(string? ValueId, InteractiveDocumentOutputElement Element)>();
        int errorOutputs = 0;
        string? failure = null;

        void OnEvent(KernelEvent e)
        {
            switch (e)
            {
                case ReturnValueProduced r:
                    var rv = new ReturnValueElement { ExecutionOrder = executionCount };
                    foreach (var f in r.FormattedValues) rv.Data[f.MimeType] = f.Value;
                    outputs.Add((null, rv));
                    break;
                case DisplayedValueUpdated u:
                    var index = outputs.FindIndex(o => o.ValueId == u.ValueId);
                    var updated = Display(u.FormattedValues);
                    if (index >= 0) outputs[index] = (u.ValueId, updated); else outputs.Add((u.ValueId, updated));
                    break;
                case DisplayedValueProduced d:
                    outputs.Add((d.ValueId, Display(d.FormattedValues)));
                    break;
                case StandardOutputValueProduced o:
                    outputs.Add((null, new TextElement(Text(o.FormattedValues), "stdout")));
                    break;
                case StandardErrorValueProduced err:
                    errorOutputs++;
                    outputs.Add((null, new TextElement(Text(err.FormattedValues), "stderr")));
                    break;
                case ErrorProduced ep:
                    errorOutputs++;
                    outputs.Add((null, new ErrorElement(ep.Message, "Error", [])));
                    break;
                case CommandFailed cf:
                    failure = cf.Message;
                    var ex = cf.Exception;
                    outputs.Add((null, new ErrorElement(cf.Message, ex?.GetType().Name ?? "Error", ex?.StackTrace?.Split('\n') ?? [])));
                    break;
            }
        }

        using var subscription = kernel.KernelEvents.Subscribe(new ActionObserver(OnEvent));
        var run = kernel.SendAsync(new SubmitCode(code));
        var finished = await Task.WhenAny(run, Task.Delay(cellTimeout));
        if (finished != run)
        {
            // Cancel the submission: code that observes the kernel's cancellation token stops. The kernel gives up on code
            // that does not, which keeps computing on its thread, so the caller ends this process (see TimedOut).
            _ = kernel.SendAsync(new Cancel());
            await Task.WhenAny(run, Task.Delay(CancelGrace));
            TimedOut = true;
            failure = $"the cell did not finish within {cellTimeout.TotalMinutes:0.##} minutes; it was cancelled and its notebook's process ended";
            outputs.Add((null, new ErrorElement(failure, "Timeout", [])));
        }
        else
        {
            var result = await run;
            foreach (var e in result.Events.OfType<CommandFailed>())
                if (failure is null)
                {
                    failure = e.Message;
                    outputs.Add((null, new ErrorElement(e.Message, e.Exception?.GetType().Name ?? "Error", [])));
                }
        }
        cell.Outputs.AddRange(outputs.Select(o => o.Element));
        return (failure is null, failure, errorOutputs);
    }

    static DisplayElement Display(IEnumerable<FormattedValue> values)
    {
        var data = new Dictionary<string, object>();
        foreach (var f in values) data[f.MimeType] = f.Value;
        return new DisplayElement(data);
    }

    static string Text(IEnumerable<FormattedValue> values) =>
        values.FirstOrDefault(v => v.MimeType == "text/plain")?.Value ?? values.FirstOrDefault()?.Value ?? "";

    static string Title(InteractiveDocument document, string fallback)
    {
        foreach (var e in document.Elements.Where(e => !IsCode(e)))
            foreach (var line in e.Contents.Split('\n'))
                if (line.StartsWith("# ", StringComparison.Ordinal)) return line[2..].Trim();
        return fallback;
    }

    sealed class ActionObserver(Action<KernelEvent> onNext) : IObserver<KernelEvent>
    {
        public void OnCompleted() { }
        public void OnError(Exception error) { }
        public void OnNext(KernelEvent value) => onNext(value);
    }
}
