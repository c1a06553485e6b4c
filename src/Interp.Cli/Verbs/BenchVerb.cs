using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Interp.Cli.Bench;
using Interp.CommandLine;
using Interp.FeatureVisualization.Rendering;
using Interp.Runtime;
using Spectre.Console;
using Interp.Models;

namespace Interp.Cli.Verbs;

/// <summary>
/// <c>interp bench</c>: the benchmarks. Every row names the CPU; timings compare only within one run. Rows print as a table,
/// or as one JSON object a line with <c>--format json</c> (what the benchmark history in docs/benchmarks.md quotes).
/// </summary>
static class BenchVerb
{
    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    static Option<string> Format() => Options.Choice("--format", "table (default) or json (one object a line).", "table", "table", "json");
    static Option<string> Layer(string fallback) => new("--layer") { Description = $"The ResNet-18 layer; default {fallback}.", DefaultValueFactory = _ => fallback };
    static Option<string> Dtype(string fallback, params string[] extra) =>
        Options.Choice("--dtype", $"The number format: float32 or bfloat16{(extra.Length > 0 ? $" or {string.Join(" or ", extra)}" : "")}; default {fallback}.", fallback,
            ["float32", "bfloat16", .. extra]);
    static Option<ModelInputResize> Resize() => new("--resize") { Description = "How the image reaches the model's size: None (Lucid), BeforeTransforms, AfterTransformsLucent.",
        DefaultValueFactory = _ => ModelInputResize.None };
    static Option<string> Malloc() => Options.Choice("--malloc",
        "The C allocator, each in its own process: auto (tcmalloc when installed, else glibc tuned), tcmalloc, glibc (tuned), default (glibc's own settings), all (each " +
            "installed one).",
        "auto", "auto", "tcmalloc", "glibc", "default", "all");

    public static Command Build()
    {
        var command = new Command("bench", "Benchmarks of rendering, scanning and CLIP on this CPU (each row names it).");
        foreach (var verb in new[] { Render(), RenderOne(), Profile(), Units(), Soak(), Clip(), Scan(), Curves(), Sizes(), SizesOne(), Sae(), Snapshots() })
            command.Subcommands.Add(verb);
        return command;
    }

    /// <summary>Writes rows as a table or JSON lines.</summary>
    static void Write(ParseResult parsed, Option<string> format, IEnumerable<object> rows, string title)
    {
        var output = parsed.InvocationConfiguration.Output;
        var nodes = rows.Select(r => r as JsonObject ?? JsonSerializer.SerializeToNode(r, r.GetType(), Json)!.AsObject()).ToList();
        if (parsed.GetValue(format) == "json")
        {
            foreach (var n in nodes) output.WriteLine(n.ToJsonString(Json));
            return;
        }
        var console = CommandLineHost.ConsoleFor(output);
        var columns = nodes.SelectMany(n => n.Select(kv => kv.Key)).Distinct().ToList();
        var table = new Table { Title = new TableTitle(Markup.Escape(title)) };
        foreach (var c in columns) table.AddColumn(Markup.Escape(c));
        foreach (var n in nodes)
            table.AddRow(columns.Select(c => Markup.Escape(n[c] switch { null => "", JsonValue v => v.ToString(), var other => other.ToJsonString(Json) })).ToArray());
        console.Write(table);
    }

    static Command Render()
    {
        var steps = Options.Integer("--steps", "Measured steps per configuration (after the redirected ones and a warm-up); default 12.", 12);
        var quick = new Option<bool>("--quick") { Description = "Only batch 1 at 2 threads." };
        var compare = new Option<bool>("--compare") { Description = "Also time the whole model every step and channels-last images, in the same process." };
        var (resize, malloc, format) = (Resize(), Malloc(), Format());
        var command = new Command("render", "Render steps against a bare forward+backward: layer2/3 × batch 1/8 × 1/2 threads × float32/bfloat16, each in its own process.")
            { steps, quick, compare, resize, malloc, format };
        command.SetAction(parsed =>
        {
            var configs = from layer in new[] { "layer2", "layer3" } from batch in new[] { 1, 8 } from threads in new[] { 1, 2 } from dtype in new[] { "float32",
                "bfloat16" } select (layer, batch, threads, dtype);
            if (parsed.GetValue(quick)) configs = configs.Where(c => c.batch == 1 && c.threads == 2);
            var rows = new List<object>();
            var console = CommandLineHost.ConsoleFor(parsed.InvocationConfiguration.Error);
            var list = configs.ToList();
            foreach (var (layer, batch, threads, dtype) in list)
                foreach (var m in Mallocs(parsed.GetValue(malloc)!))
                {
                    List<string> args = ["bench", "render-one", "--layer", layer, "--batch", I(batch), "--threads", I(threads), "--dtype", dtype,
                        "--steps", I(parsed.GetValue(steps)), "--resize", parsed.GetValue(resize).ToString(), "--format", "json"];
                    if (parsed.GetValue(compare)) args.Add("--compare");
                    console.WriteLine($"{layer}, batch {batch}, {threads} threads, {dtype}, allocator {m} ({rows.Count + 1} of " +
                        $"{list.Count * Mallocs(parsed.GetValue(malloc)!).Length})");
                    rows.Add(Child(args, m) ?? throw new CommandLineException($"The configuration {layer}, batch {batch}, {threads} threads, {dtype}, allocator {m} failed.", 1));
                }
            Write(parsed, format, rows, "render steps (ms)");
            return 0;
        });
        return command;
    }

    static Command RenderOne()
    {
        var layer = Layer("layer3");
        var batch = Options.Integer("--batch", "Images per render; default 1.", 1);
        var threads = Options.Threads(1);
        var dtype = Dtype("float32");
        var steps = Options.Integer("--steps", "Measured steps; default 12.", 12);
        var compare = new Option<bool>("--compare") { Description = "Also time the whole model every step and channels-last images." };
        var (resize, format) = (Resize(), Format());
        var command = new Command("render-one", "One configuration of 'bench render', in this process.") { layer, batch, threads, dtype, steps, compare, resize, format };
        command.SetAction(parsed =>
        {
            Write(parsed, format, [Benchmarks.Run(parsed.GetValue(layer)!, parsed.GetValue(batch), parsed.GetValue(threads), parsed.GetValue(dtype)!, parsed.GetValue(steps),
                parsed.GetValue(resize), parsed.GetValue(compare))], "render step (ms)");
            return 0;
        });
        return command;
    }

    static Command Profile()
    {
        var layer = Layer("layer3");
        var batch = Options.Integer("--batch", "Images per render; default 8.", 8);
        var threads = Options.Threads(2);
        var steps = Options.Integer("--steps", "Measured steps; default 12.", 12);
        var channelsLast = new Option<bool>("--channels-last") { Description = "Feed the model channels-last images." };
        var (resize, format) = (Resize(), Format());
        var command = new Command("profile", "Where a render step's time and memory go: each phase's time, peak resident and in-use memory, the image path's pieces, what holds " +
            "the resident memory.")
            { layer, batch, threads, steps, resize, channelsLast, format };
        command.SetAction(parsed =>
        {
            Write(parsed, format, [Benchmarks.Profile(parsed.GetValue(layer)!, parsed.GetValue(batch), parsed.GetValue(threads), parsed.GetValue(steps), parsed.GetValue(resize),
                parsed.GetValue(channelsLast))], "render step profile");
            return 0;
        });
        return command;
    }

    static Command Units()
    {
        var layer = Layer("layer3");
        var units = Options.Integer("--units", "Units rendered at each batch size (channels 0…n−1); default 8.", 8);
        var batches = Options.IntegerList("--batches", "Units per render to compare; default 1,4,8.", [1, 4, 8]);
        var threads = Options.Threads(2);
        var steps = Options.Integer("--steps", "Steps per render; default 64.", 64);
        var (dtype, format) = (Dtype("float32"), Format());
        var command = new Command("units", "Units per minute rendering different units in one batch (Objectives.Channels) against one unit at a time.")
            { layer, units, batches, threads, steps, dtype, format };
        command.SetAction(parsed =>
        {
            var rows = Benchmarks.Units(parsed.GetValue(layer)!, parsed.GetValue(units), parsed.GetValue(batches)!, parsed.GetValue(threads), parsed.GetValue(steps),
                parsed.GetValue(dtype)!).ToList();
            Write(parsed, format, rows, "units per minute");
            return 0;
        });
        return command;
    }

    static Command Soak()
    {
        var steps = Options.Integer("--steps", "Render steps; default 10000.", 10000);
        var batch = Options.Integer("--batch", "Images per render; default 1.", 1);
        var (threads, format) = (Options.Threads(2), Format());
        var command = new Command("soak", "Resident memory along a long render: flat means no leak.") { steps, batch, threads, format };
        command.SetAction(parsed =>
        {
            Write(parsed, format, [Benchmarks.Soak(parsed.GetValue(steps), parsed.GetValue(batch), parsed.GetValue(threads))], "soak");
            return 0;
        });
        return command;
    }

    static Command Clip()
    {
        var threads = Options.Threads(2);
        var steps = Options.Integer("--steps", "Timed passes per row; default 5.", 5);
        var (dtype, format) = (Dtype("both", "both"), Format());
        var command = new Command("clip", "CLIP's image tower: images per second at 224 px (random weights), next to a torchvision ResNet-50.") { threads, steps, dtype, format };
        command.SetAction(parsed =>
        {
            var dtypes = parsed.GetValue(dtype) == "both" ? new[] { "float32", "bfloat16" } : [parsed.GetValue(dtype)!];
            Write(parsed, format, Benchmarks.Clip(parsed.GetValue(threads), parsed.GetValue(steps), [1, 16], dtypes).ToList(), "CLIP image tower");
            return 0;
        });
        return command;
    }

    static Command Scan()
    {
        var layer = Layer("layer3");
        var images = Options.Integer("--images", "In-memory 224 px images; default 128.", 128);
        var batch = Options.Integer("--batch", "Images per forward pass; default 32.", 32);
        var (threads, format) = (Options.Threads(2), Format());
        var command = new Command("scan", "A dataset scan's images per second next to bare forward passes to the same layer.") { layer, images, batch, threads, format };
        command.SetAction(parsed =>
        {
            Write(parsed, format, [Benchmarks.ScanSpeed(parsed.GetValue(layer)!, parsed.GetValue(images), parsed.GetValue(batch), parsed.GetValue(threads))], "scan speed");
            return 0;
        });
        return command;
    }

    static Command Sae()
    {
        var images = Options.Integer("--images", "Toy-world pictures streamed (16 vectors each); default 2048.", 2048);
        var steps = Options.Integer("--steps", "Training steps per dictionary; default 300.", 300);
        var batch = Options.Integer("--batch", "Vectors per step; default 1024.", 1024);
        var (threads, format) = (Options.Threads(2), Format());
        var command = new Command("sae", "Sparse autoencoder training on the toy CLIP's visual.stage4: stream and training vectors per second, resident memory.")
            { images, steps, batch, threads, format };
        command.SetAction(parsed =>
        {
            Write(parsed, format, Benchmarks.SaeSpeed(parsed.GetValue(images), parsed.GetValue(steps), parsed.GetValue(batch), parsed.GetValue(threads)).ToList(),
                "sparse autoencoders");
            return 0;
        });
        return command;
    }

    static Command Snapshots()
    {
        var steps = Options.Integer("--steps", "Training steps per run; default 60 (snapshots at 0, 1, 2, 3, 5, 9, 16, 29, 50, 60).", 60);
        var rounds = Options.Integer("--rounds", "Runs with and without snapshots, alternating; default 2 each.", 2);
        var (threads, format) = (Options.Threads(2), Format());
        var command = new Command("snapshots", "Toy-CLIP training with and without snapshots (interp train toy-clip --checkpoints): the overhead, per snapshot and for the recipe.")
            { steps, rounds, threads, format };
        command.SetAction(parsed =>
        {
            Write(parsed, format, Benchmarks.SnapshotOverhead(parsed.GetValue(steps), parsed.GetValue(rounds), parsed.GetValue(threads)).ToList(), "snapshot overhead");
            return 0;
        });
        return command;
    }

    static Command Curves()
    {
        var layer = Layer("layer3");
        var (threads, format) = (Options.Threads(2), Format());
        var command = new Command("curves", "The curve search on ResNet-18 (counts, not timings): channels passing the criteria and each criterion alone.") { layer, threads,
            format };
        command.SetAction(parsed =>
        {
            Write(parsed, format, [Benchmarks.Curves(parsed.GetValue(layer)!, parsed.GetValue(threads))], "curve search");
            return 0;
        });
        return command;
    }

    static Command Sizes()
    {
        var layer = Layer("layer3");
        var batch = Options.Integer("--batch", "Images per pass; default 8.", 8);
        var threads = Options.Threads(1);
        var rounds = Options.Integer("--rounds", "Rounds over the sizes; default 4.", 4);
        var (malloc, format) = (Malloc(), Format());
        var command = new Command("sizes", "Forward+backward over the input sizes Lucid's transforms give, NCHW and channels-last, with kernel time and page faults; each " +
            "allocator setting in its own process.")
            { layer, batch, threads, rounds, malloc, format };
        command.SetAction(parsed =>
        {
            var rows = new List<object>();
            foreach (var m in Mallocs(parsed.GetValue(malloc)!))
                rows.Add(Child(["bench", "sizes-one", "--layer", parsed.GetValue(layer)!, "--batch", I(parsed.GetValue(batch)), "--threads", I(parsed.GetValue(threads)),
                    "--rounds", I(parsed.GetValue(rounds)), "--format", "json"], m) ?? throw new CommandLineException($"sizes with allocator {m} failed.", 1));
            Write(parsed, format, rows, "input sizes");
            return 0;
        });
        return command;
    }

    static Command SizesOne()
    {
        var layer = Layer("layer3");
        var batch = Options.Integer("--batch", "Images per pass; default 8.", 8);
        var threads = Options.Threads(1);
        var rounds = Options.Integer("--rounds", "Rounds over the sizes; default 4.", 4);
        var format = Format();
        var command = new Command("sizes-one", "One allocator setting of 'bench sizes', in this process.") { layer, batch, threads, rounds, format };
        command.SetAction(parsed =>
        {
            Write(parsed, format, [Benchmarks.Sizes(parsed.GetValue(layer)!, parsed.GetValue(batch), parsed.GetValue(threads), parsed.GetValue(rounds))], "input sizes");
            return 0;
        });
        return command;
    }

    static string I(int value) => value.ToString(CultureInfo.InvariantCulture);

    static string[] Mallocs(string malloc) => malloc != "all" ? [malloc]
        : AllocatorPreload.Find() is null ? ["glibc", "default"] : ["tcmalloc", "glibc", "default"];

    /// <summary>Runs this program with <paramref name="args"/> in a new process with the allocator <paramref name="malloc"/> and returns its last line as JSON, or null if it
    /// failed.</summary>
    static JsonObject? Child(IEnumerable<string> args, string malloc)
    {
        var self = Environment.ProcessPath!;
        var psi = new ProcessStartInfo(self) { RedirectStandardOutput = true };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") psi.ArgumentList.Add(typeof(BenchVerb).Assembly.Location);
        foreach (var a in args) psi.ArgumentList.Add(a);
        // This process may itself run preloaded; the child gets exactly the allocator asked for.
        psi.Environment[InterpEnvironment.Malloc.Name] = malloc;
        psi.Environment.Remove("LD_PRELOAD");
        AllocatorPreload.ApplyTo(psi);
        using var p = Process.Start(psi)!;
        var line = p.StandardOutput.ReadToEnd().Trim().Split('\n').Last();
        p.WaitForExit();
        return p.ExitCode == 0 ? JsonNode.Parse(line)?.AsObject() : null;
    }
}
