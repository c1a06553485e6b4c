using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Interp.Microscope;

/// <summary>
/// The Microscope's static site on disk: <c>index.html</c> (models), <c>&lt;model&gt;/index.html</c> (layers, search by unit id),
/// <c>&lt;model&gt;/&lt;layer&gt;/index.html</c> (every unit's thumbnail, filter by id), <c>&lt;model&gt;/&lt;layer&gt;/&lt;unit&gt;.html</c> and the
/// unit's files in <c>&lt;unit&gt;/</c>. Pages use no network and no script from elsewhere. The index pages are written from
/// the units on disk, so shards building into one folder, or merged, give the same pages in any order.
/// </summary>
public static class MicroscopeSite
{
    /// <summary>The file in a unit's folder that holds its <see cref="UnitPage"/> and marks it done.</summary>
    public const string UnitFile = "unit.json";

    /// <summary>The folder of <paramref name="layer"/> of <paramref name="model"/> under <paramref name="root"/>.</summary>
    public static string LayerFolder(string root, string model, string layer) => Path.Combine(root, Safe(model), Safe(FolderOf(layer)));

    /// <summary>
    /// The folder name of a layer: its name, with the '/' of a view (a dictionary's features, <c>visual.stage4/sae</c>) written as
    /// '~' (<c>visual.stage4~sae</c>), so every layer is one folder and the pages' relative links hold.
    /// </summary>
    public static string FolderOf(string layer) => layer.Replace('/', '~');

    static string Safe(string name)
    {
        if (name.Length == 0 || name is "." or ".." || name.Any(c => c is '/' or '\\' || c < ' '))
            throw new ArgumentException($"'{name}' cannot name a folder of the site (no '/', '\\', control characters, '.' or '..').");
        return name;
    }

    /// <summary>The unit in <paramref name="unitFolder"/>, or null when it is not done (no readable <see cref="UnitFile"/>).</summary>
    public static UnitPage? ReadUnit(string unitFolder)
    {
        var file = Path.Combine(unitFolder, UnitFile);
        if (!File.Exists(file)) return null;
        try { return JsonSerializer.Deserialize<UnitPage>(File.ReadAllText(file)); }
        catch (JsonException) { return null; }   // a unit folder from an interrupted write of an older format: built again
    }

    /// <summary>The done units of a layer folder, by unit number.</summary>
    public static IReadOnlyList<UnitPage> ReadUnits(string layerFolder) =>
        !Directory.Exists(layerFolder) ? []
            : [.. Directory.GetDirectories(layerFolder).Select(ReadUnit).OfType<UnitPage>().OrderBy(p => p.Channel)];

    internal static void Move(string from, string to) => File.Move(from, to, overwrite: true);

    /// <summary>Writes a whole file or nothing: a temporary name first, then a rename.</summary>
    internal static void WriteBytes(string path, byte[] bytes)
    {
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        File.WriteAllBytes(temporary, bytes);
        Move(temporary, path);
    }

    internal static void WriteText(string path, string text) => WriteBytes(path, new UTF8Encoding(false).GetBytes(text));

    static string E(string text) => WebUtility.HtmlEncode(text);

    static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    const string Style = """
        <style>
        body{font-family:sans-serif;margin:1.5em;color:#222;max-width:1100px}
        nav{margin-bottom:1em} a{color:#1a5fb4}
        .row{display:flex;flex-wrap:wrap;gap:8px} figure{margin:0;text-align:center;font-size:12px}
        .grid{display:flex;flex-wrap:wrap;gap:6px} .cell{display:flex;flex-direction:column;align-items:center;font-size:12px;text-decoration:none}
        img.px{image-rendering:pixelated}
        </style>
        """;

    static string Page(string title, string body) =>
        $"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{E(title)}</title>\n{Style}\n</head>\n<body>\n{body}</body>\n</html>\n";

    /// <summary>A unit's page (it lives in its layer's folder; its files in the unit's folder).</summary>
    public static string UnitHtml(UnitPage page, int unitsInLayer)
    {
        var c = page.Channel;
        var b = new StringBuilder();
        b.Append($"<nav><a href=\"../../index.html\">models</a> › <a href=\"../index.html\">{E(page.Model)}</a> › <a href=\"index.html\">{E(page.Layer)}</a> › {E(page.Id)}");
        if (c > 0) b.Append($" · <a href=\"{c - 1}.html\">← {c - 1}</a>");
        if (c + 1 < unitsInLayer) b.Append($" · <a href=\"{c + 1}.html\">{c + 1} →</a>");
        b.Append("</nav>\n");
        b.Append($"<h1>{E(page.Model)} · {E(page.Id)}</h1>\n");

        b.Append("<h2>Feature visualization</h2>\n<div class=\"row\">\n");
        foreach (var r in page.Renders)
        {
            int side = r.Kind == "channel" ? 256 : 160;
            var what = r.Kind switch
            {
                "channel" => "channel objective",
                "diversity" => "diversity batch",
                "neuron" => "neuron objective (centre)",
                _ => r.Kind,
            };
            b.Append($"<figure><img src=\"{c}/{r.File}\" width=\"{side}\" height=\"{side}\" alt=\"{E(what)} of {E(page.Id)}\">" +
                     $"<figcaption>{E(what)} · <a href=\"{c}/{r.Provenance}\">provenance</a></figcaption></figure>\n");
        }
        b.Append("</div>\n");

        void Examples(string title, IReadOnlyList<ExampleImage> examples, string? empty = null)
        {
            b.Append($"<h2>{E(title)}</h2>\n");
            if (examples.Count == 0)
            {
                if (empty is not null) b.Append($"<p>{E(empty)}</p>\n");
                return;
            }
            b.Append("<div class=\"row\">\n");
            foreach (var e in examples)
                b.Append($"<figure><img src=\"{c}/{e.File}\" width=\"96\" height=\"96\" alt=\"{E(e.ImageId)}\"><figcaption>" +
                         (e.Percentile is { } p ? $"{F(p, "0.#")}th percentile<br>" : "") +
                         $"{E(Path.GetFileName(e.ImageId))} ({e.Y}, {e.X})<br>{F(e.Activation, "G4")}</figcaption></figure>\n");
            b.Append("</div>\n");
        }
        Examples($"Dataset examples: the top {page.Top.Count}", page.Top);
        Examples("Across the activation range (each image's strongest response, percentiles over the images)", page.Spread);
        Examples($"The bottom {page.Weakest.Count}: images whose strongest response is lowest", page.Weakest);
        Examples("Most negative responses", page.Negative, "The unit is never negative on these images (it follows a ReLU).");

        void Links(string title, IReadOnlyList<WeightLink> links)
        {
            if (links.Count == 0) return;
            b.Append($"<h2>{E(title)}</h2>\n<div class=\"row\">\n");
            foreach (var w in links)
            {
                var target = $"../{E(FolderOf(w.Layer))}/{w.Channel}";
                // The other unit's own page may not be built (another slice of units): its thumbnail then leaves the page.
                b.Append($"<figure><a href=\"{target}.html\"><img src=\"{target}/channel.png\" width=\"72\" height=\"72\" alt=\"{E(w.Layer)}:{w.Channel}\" " +
                         "onerror=\"this.remove()\"><br>" +
                         $"<img class=\"px\" src=\"{c}/{w.KernelFile}\" width=\"72\" height=\"72\" alt=\"kernel\"></a>" +
                         $"<figcaption>{E(w.Layer)}:{w.Channel}<br>{F(w.Sum, "+0.###;-0.###")}</figcaption></figure>\n");
            }
            b.Append("</div>\n");
        }
        var from = page.PositiveInputs.Concat(page.NegativeInputs).FirstOrDefault()?.Layer;
        Links($"Strongest excitatory inputs from {from} (expanded weights at the centre, summed over the kernel)", page.PositiveInputs);
        Links($"Strongest inhibitory inputs from {from}", page.NegativeInputs);
        var to = page.PositiveOutputs.Concat(page.NegativeOutputs).FirstOrDefault()?.Layer;
        Links($"Strongest excitatory outputs to {to} (expanded weights to the centre of {to}, summed over the kernel)", page.PositiveOutputs);
        Links($"Strongest inhibitory outputs to {to}", page.NegativeOutputs);
        if (page.LinksNote is not null) b.Append($"<p>{E(page.LinksNote)}</p>\n");

        b.Append("<h2>Curve detector?</h2>\n");
        if (page.Curve is { } curve)
        {
            b.Append(curve.Passes
                ? "<p>Passes notebook 02's curve criteria.</p>\n"
                : $"<p>Fails notebook 02's curve criteria: {E(string.Join("; ", curve.Failures))}.</p>\n");
            b.Append($"<p>Best arc {F(curve.BestCurve, "G4")}, best line {F(curve.BestLine, "G4")}, opposite bulge {F(curve.Opposite, "G4")}, " +
                     $"full ring {F(curve.Ring, "G4")}, largest on the images {F(curve.Natural, "G4")}; orientation selectivity {F(curve.OrientationSelectivity, "0.00")}.</p>\n");
            if (curve.Orientations.Count > 0) b.Append(PolarSvg(page.Id, curve.Orientations, curve.Responses));
        }
        else b.Append($"<p>{E(page.CurveNote ?? "No curve search was run.")}</p>\n");
        return Page($"{page.Model} {page.Id} — Microscope", b.ToString());
    }

    /// <summary>An orientation tuning curve as an inline SVG polar chart (responses below 0 drawn at the centre).</summary>
    static string PolarSvg(string id, IReadOnlyList<double> degrees, IReadOnlyList<double> responses)
    {
        const double centre = 110, radius = 90;
        double peak = Math.Max(1e-12, responses.Max());
        var points = degrees.Select((d, i) =>
        {
            double r = radius * Math.Max(0, responses[i]) / peak, t = d * Math.PI / 180;
            return $"{F(centre + r * Math.Cos(t), "0.##")},{F(centre - r * Math.Sin(t), "0.##")}";
        });
        return $"<figure><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"220\" height=\"220\" role=\"img\" aria-label=\"orientation tuning of {E(id)}\">" +
               $"<circle cx=\"{centre}\" cy=\"{centre}\" r=\"{radius}\" fill=\"none\" stroke=\"#bbb\"/>" +
               $"<circle cx=\"{centre}\" cy=\"{centre}\" r=\"{radius / 2}\" fill=\"none\" stroke=\"#ddd\"/>" +
               $"<line x1=\"{centre - radius}\" y1=\"{centre}\" x2=\"{centre + radius}\" y2=\"{centre}\" stroke=\"#ddd\"/>" +
               $"<line x1=\"{centre}\" y1=\"{centre - radius}\" x2=\"{centre}\" y2=\"{centre + radius}\" stroke=\"#ddd\"/>" +
               $"<polygon points=\"{string.Join(" ", points)}\" fill=\"rgba(26,95,180,0.25)\" stroke=\"#1a5fb4\"/></svg>" +
               $"<figcaption>response to arcs by orientation (0° right, 90° up); outer ring {F(peak, "G4")}</figcaption></figure>\n";
    }

    /// <summary>
    /// Writes the index pages of every model and layer under <paramref name="root"/> from the done units on disk.
    /// </summary>
    /// <exception cref="InvalidDataException">Units of one model were built with different keys (settings, images or versions).</exception>
    public static void WriteIndexes(string root)
    {
        var models = Directory.Exists(root) ? Directory.GetDirectories(root).Order(StringComparer.Ordinal).ToList() : [];
        var modelRows = new StringBuilder();
        foreach (var modelDir in models)
        {
            var layers = Directory.GetDirectories(modelDir).Order(StringComparer.Ordinal)
                .Select(d => (Dir: d, Units: ReadUnits(d))).Where(l => l.Units.Count > 0).ToList();
            if (layers.Count == 0) continue;
            var keys = layers.SelectMany(l => l.Units.Select(u => (u.Key, u.Id))).GroupBy(u => u.Key).ToList();
            if (keys.Count > 1)
                throw new InvalidDataException($"'{modelDir}' holds units built with different settings: key {keys[0].Key} ({keys[0].First().Id}, …) and key " +
                    $"{keys[1].Key} ({keys[1].First().Id}, …). Build them again with one setting.");
            var model = layers[0].Units[0].Model;
            var layerRows = new StringBuilder();
            foreach (var (dir, units) in layers)
            {
                var layer = units[0].Layer;
                var grid = new StringBuilder();
                foreach (var u in units)
                    grid.Append($"<a class=\"cell\" data-id=\"{u.Channel}\" href=\"{u.Channel}.html\"><img src=\"{u.Channel}/{u.Thumbnail}\" width=\"96\" height=\"96\" " +
                                $"alt=\"{E(u.Id)}\" loading=\"lazy\">{u.Channel}</a>\n");
                var layerBody =
                    $"<nav><a href=\"../../index.html\">models</a> › <a href=\"../index.html\">{E(model)}</a> › {E(layer)}</nav>\n" +
                    $"<h1>{E(model)} · {E(layer)}</h1>\n<p>{units.Count} units. Filter by id: <input id=\"filter\" placeholder=\"e.g. 42\" size=\"8\"></p>\n" +
                    $"<div class=\"grid\" id=\"units\">\n{grid}</div>\n" +
                    "<script>\ndocument.getElementById('filter').addEventListener('input', e => {\n  const q = e.target.value.trim();\n" +
                    "  for (const a of document.querySelectorAll('#units a')) a.style.display = q === '' || a.dataset.id.startsWith(q) ? '' : 'none';\n});\n</script>\n";
                WriteText(Path.Combine(dir, "index.html"), Page($"{model} {layer} — Microscope", layerBody));
                layerRows.Append($"<li><a href=\"{E(Path.GetFileName(dir))}/index.html\">{E(layer)}</a> ({units.Count} units)</li>\n");
            }
            var layerNames = layers.Select(l => l.Units[0].Layer).ToList();
            var modelBody =
                $"<nav><a href=\"../index.html\">models</a> › {E(model)}</nav>\n<h1>{E(model)}</h1>\n<ul>\n{layerRows}</ul>\n" +
                "<p>Go to a unit: <input id=\"unit\" placeholder=\"layer3:42\" size=\"16\"> <span id=\"unit-error\"></span></p>\n" +
                $"<script>\nconst layers = {JsonSerializer.Serialize(layerNames)};\nconst folders = {JsonSerializer.Serialize(layers.Select(l => Path.GetFileName(l.Dir)))};\n" +
                "document.getElementById('unit').addEventListener('change', e => {\n  const m = e.target.value.trim().match(/^(.+):(\\d+)$/);\n" +
                "  const error = document.getElementById('unit-error');\n" +
                "  if (!m || !layers.includes(m[1])) { error.textContent = 'write layer:unit with a layer of this page, e.g. ' + layers[0] + ':0'; return; }\n" +
                "  location.href = folders[layers.indexOf(m[1])] + '/' + m[2] + '.html';\n});\n</script>\n";
            WriteText(Path.Combine(modelDir, "index.html"), Page($"{model} — Microscope", modelBody));
            modelRows.Append($"<li><a href=\"{E(Path.GetFileName(modelDir))}/index.html\">{E(model)}</a>: {string.Join(", ", layerNames.Select(E))}</li>\n");
        }
        Directory.CreateDirectory(root);
        WriteText(Path.Combine(root, "index.html"), Page("Microscope", $"<h1>Microscope</h1>\n<ul>\n{modelRows}</ul>\n"));
    }

    /// <summary>
    /// Copies the done units of each of <paramref name="shards"/> (site folders built by shards) into <paramref name="root"/>,
    /// then writes the indexes. A unit present in two places must be the same bytes.
    /// </summary>
    /// <exception cref="InvalidDataException">A unit differs between two shards, or units were built with different keys.</exception>
    public static void Merge(IEnumerable<string> shards, string root)
    {
        foreach (var shard in shards)
        {
            if (!Directory.Exists(shard)) throw new DirectoryNotFoundException($"There is no shard folder '{shard}'.");
            if (Path.GetFullPath(shard) == Path.GetFullPath(root)) continue;
            foreach (var modelDir in Directory.GetDirectories(shard))
                foreach (var layerDir in Directory.GetDirectories(modelDir))
                    foreach (var page in ReadUnits(layerDir))
                    {
                        var target = Path.Combine(root, Path.GetFileName(modelDir), Path.GetFileName(layerDir));
                        var unitSource = Path.Combine(layerDir, page.Channel.ToString(CultureInfo.InvariantCulture));
                        var unitTarget = Path.Combine(target, page.Channel.ToString(CultureInfo.InvariantCulture));
                        var files = Directory.GetFiles(unitSource).Select(Path.GetFileName).OfType<string>().Where(f => !f.Contains(".tmp", StringComparison.Ordinal))
                            .Select(f => (From: Path.Combine(unitSource, f), To: Path.Combine(unitTarget, f)))
                            .Append((From: Path.Combine(layerDir, $"{page.Channel}.html"), To: Path.Combine(target, $"{page.Channel}.html"))).ToList();
                        if (ReadUnit(unitTarget) is { } existing)
                        {
                            var differing = files.FirstOrDefault(f => !File.Exists(f.To) || !File.ReadAllBytes(f.From).AsSpan().SequenceEqual(File.ReadAllBytes(f.To)));
                            if (existing.Key != page.Key || differing != default)
                                throw new InvalidDataException($"{page.Model} {page.Id} differs between '{shard}' and '{root}' " +
                                    (existing.Key != page.Key
                                        ? $"(built with keys {page.Key} and {existing.Key}: other settings, images or versions)."
                                        : $"({Path.GetFileName(differing.From)})."));
                            continue;
                        }
                        Directory.CreateDirectory(unitTarget);
                        foreach (var (from, to) in files.Where(f => Path.GetFileName(f.From) != UnitFile)) WriteBytes(to, File.ReadAllBytes(from));
                        WriteBytes(Path.Combine(unitTarget, UnitFile), File.ReadAllBytes(Path.Combine(unitSource, UnitFile)));   // last: done
                    }
        }
        WriteIndexes(root);
    }
}
