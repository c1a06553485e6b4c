using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Interp.Tests.Notebooks;

/// <summary>
/// One printed result of a notebook that its text relies on: a pattern over the run's printed output and a check of the
/// numbers it captures (ranges and relations the notebook's own prose states, never fixed values).
/// </summary>
/// <param name="Notebook">The notebook's file name without extension.</param>
/// <param name="What">What the check stands for, for the failure message.</param>
/// <param name="Pattern">A regular expression over the notebook's printed text; its groups are the numbers checked.</param>
/// <param name="Holds">The check on the captured numbers (group 1 first).</param>
public sealed record NotebookKeyResult(string Notebook, string What, string Pattern, Func<double[], bool> Holds)
{
    /// <summary>Every key result the notebooks print.</summary>
    public static IReadOnlyList<NotebookKeyResult> All { get; } =
    [
        new("00-setup-and-tour", "ablating the strongest channels changes the output more than ablating random ones",
            @"ablating the 5 strongest channels: ([\d.]+) %\s*\n.*ablating 5 random channels:\s+([\d.]+) %", n => n[0] > n[1]),
        new("00-setup-and-tour", "no hook is left registered", @"hooks still registered: (\d+)", n => n[0] == 0),
        new("00-setup-and-tour", "a ReLU layer has some but not all values at zero", @"layer3: (\d+) values, ([\d.]+)% exactly zero", n => n[1] > 0 && n[1] < 100),
        new("01-feature-visualization", "the render raises its objective", @"The objective rose from (-?[\d.]+) at step 1 to (-?[\d.]+) at step (\d+)", n => n[1] > n[0]),
        new("01-feature-visualization", "the Fourier start falls as 1/f and the pixel start is flat",
            @"Fourier start (-?\d+\.\d+), pixel start (-?\d+\.\d+)", n => Math.Abs(n[0] + 1) < 0.2 && Math.Abs(n[1]) < 0.2),
        new("01-feature-visualization", "a render from its provenance is identical", @"identical to the earlier render: (True|False)", n => n[0] == 1),
        new("01-feature-visualization", "the diversity penalty lowers the similarity between images",
            @"without penalty ([\d.]+), with penalty ([\d.]+)", n => n[1] < n[0]),
        new("02-curve-detectors", "the Microscope slice builds a page for each of its four units", @"(\d+) pages of layer2 in (\d+) s", n => n[0] == 4 && n[1] > 0),
        new("02-curve-detectors", "some layer2 channel passes every control", @"layer2: (\d+) of (\d+) channels pass", n => n[0] >= 1 && n[0] <= n[1]),
        new("02-curve-detectors", "the controls reject look-alikes a naive search keeps",
            @"A naive search \(strength only\) keeps (\d+) channels; the controls reject (\d+)", n => n[1] >= 1 && n[1] <= n[0]),
        new("03-curve-circuits", "the family is chosen and fitted on one half of the photos and measured on the other",
            @"(\d+) crops of the (\d+) even-numbered photos calibrate; (\d+) crops of the other (\d+) measure", n => n[1] - n[3] is 0 or 1 && n[0] >= n[1] && n[2] >= n[3]),
        new("03-curve-circuits", "single-position patches rarely lift the unit above zero",
            @"(\d+) of (\d+) single-position patches lift the sum above zero", n => n[0] <= n[1] && n[0] < n[1] / 2),
        new("04-multimodal-neurons", "the shipped toy CLIP reproduces its recorded first losses",
            @"Re-running the first (\d+) steps here: .* — (identical to the bit|within 1e-4)", n => n[0] >= 2),
        new("04-multimodal-neurons", "zero-shot accuracy on drawings and on words is above chance",
            @"held-out drawings .*: ([\d.]+) ?%; on \d+ held-out word pictures .*: ([\d.]+) ?%\. Chance is ([\d.]+) ?%",
            n => n[0] > n[2] && n[1] > n[2] && n[0] <= 100 && n[1] <= 100),
        new("04-multimodal-neurons", "the multimodal-unit count is a count of the layer's units with its permutation baseline",
            @"(\d+) of (\d+) units of visual\.stage4 have picture and word profiles correlating above [\d.]+; with shuffled labels ([\d.]+) on average", n => n[0] <= n[1]
                && n[2] <= n[1]),
        new("04-multimodal-neurons", "the concept-level count is a count of the layer's units with its permutation baseline",
            @"At the concept level, (\d+) of (\d+) units have the same strongest shape drawn and written \(z ≥ 1\); with shuffled labels ([\d.]+) on average",
            n => n[0] <= n[1] && n[2] <= n[1]),
        new("06-vision-transformers", "the shipped ViT reproduces its recorded first losses",
            @"Re-running the ViT's first (\d+) steps here: .* — (identical to the bit|within 1e-4)", n => n[0] >= 2),
        new("06-vision-transformers", "the decomposition of the ViT's embedding sums to it",
            @"(\d+) components; the terms sum to the embedding within ([\d.E+-]+) \(relative\)", n => n[0] == 25 && n[1] <= 1e-4),
        new("06-vision-transformers", "the plain logit lens at the last depth is the model's own zero-shot on the same pictures",
            @"The plain lens at the last depth reads ([\d.]+) ?% of the words and ([\d.]+) ?% of the drawings; " +
            @"the model's own zero-shot on the same pictures: ([\d.]+) ?% and ([\d.]+) ?%",
            n => n[0] == n[2] && n[1] == n[3]),
        new("06-vision-transformers", "the ablation of the strongest word heads is printed as accuracies",
            @"• Mean-ablating the two strongest word heads moves word accuracy ([\d.]+) ?% → ([\d.]+) ?%", n => n.All(v => v is >= 0 and <= 100)),
        new("06-vision-transformers", "the colour-head ablation is printed with its intervals around the accuracies",
            @"• Colour \(7\.12\): the strongest colour heads are [\d., ]+; mean-ablating them moves colour ([\d.]+) ?% \[([\d.]+) ?%, ([\d.]+) ?%\] → " +
            @"([\d.]+) ?% \[([\d.]+) ?%, ([\d.]+) ?%\]", n => n[1] <= n[0] && n[0] <= n[2] && n[4] <= n[3] && n[3] <= n[5]),
        new("07-training-dynamics", "the short run keeps every scheduled snapshot and measures them",
            @"trained with (\d+) snapshots \(steps \[[\d, ]+\]\) in [\d.]+ s, measured in [\d.]+ s; problems: (\d+)\.", n => n[0] >= 5 && n[1] == 0),
        new("07-training-dynamics", "the shipped float16 checkpoints reproduce the record within rounding",
            @"Re-measured (\d+) shipped checkpoints: loss within ([\d.E+-]+), (\d+) of (\d+) picture verdicts differ",
            n => n[0] >= 1 && n[1] <= 0.01 && n[2] <= 0.01 * n[3]),
        new("07-training-dynamics", "every ability's change point is printed for every seed",
            @"• reading: half-way at steps ([\d.]+) \[([\d.]+), ([\d.]+)\]", n => n[1] <= n[0] && n[0] <= n[2]),
        new("05-dictionary-learning", "the shipped dictionary reproduces its recorded first losses",
            @"Re-running the first (\d+) steps of the 4× dictionary here: .* — (identical to the bit|within 1e-4)", n => n[0] >= 2),
        new("05-dictionary-learning", "a trained dictionary reconstructs held-out activations better than the untrained control",
            @"Held-out FVU: trained 4× ([\d.]+), untrained 4× ([\d.]+)\.", n => n[0] < n[1] && n[0] < 0.5),
        new("05-dictionary-learning", "each row's dedicated concepts are a count out of the 32",
            @"4× features: (\d+) of 32 concepts have a dedicated unit", n => n[0] >= 0 && n[0] <= 32),
        new("05-dictionary-learning", "splicing the trained dictionary into layer2 keeps the pooled features closer than the untrained one",
            @"Pooled-feature cosine with layer2 spliced: trained (-?[\d.]+) \[[^\]]*\], untrained (-?[\d.]+) \[", n => n[0] > n[1] && n[0] <= 1),
        new("05-dictionary-learning", "the curve search compares neurons, trained and untrained features",
            @"Curve detectors by the criteria: (\d+) neurons, (\d+) trained features, (\d+) untrained features\.", n => n[0] <= 128 && n[1] <= 512 && n[2] <= 512),
        new("05-dictionary-learning", "the summary prints its findings from the run (stability at least)",
            @"• Seeds agree on (\d+) ?% of the toy CLIP's 4× atoms and (\d+) ?% of ResNet-18 layer2's \(untrained controls (\d+) ?% and (\d+) ?%\)",
            n => n.All(v => v is >= 0 and <= 100)),
        new("04-multimodal-neurons", "the summary prints its findings from the run (zero-shot, units, attack at least)",
            @"• Zero-shot on held-out pictures[\s\S]*• \d+ of \d+ units[\s\S]*• Typographic attack: writing ""star"" flipped (\d+) %", n => n[0] >= 0 && n[0] <= 100),
    ];

    /// <summary>The captured numbers (True as 1, False as 0), or null when the pattern is not in <paramref name="printed"/>.</summary>
    public double[]? Capture(string printed)
    {
        var m = Regex.Match(printed, Pattern);
        if (!m.Success) return null;
        return [.. m.Groups.Cast<Group>().Skip(1).Select(g => g.Value switch
        {
            "True" => 1, "False" => 0,
            "identical to the bit" or "within 1e-4" => 1,
            var v => double.Parse(v, CultureInfo.InvariantCulture),
        })];
    }

    /// <summary>All text a run printed in a notebook (stream outputs and plain-text results), cell after cell.</summary>
    public static string Printed(string executedNotebook)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(executedNotebook));
        var parts = new List<string>();
        foreach (var cell in doc.RootElement.GetProperty("cells").EnumerateArray())
        {
            if (!cell.TryGetProperty("outputs", out var outputs)) continue;
            foreach (var o in outputs.EnumerateArray())
            {
                if (o.TryGetProperty("text", out var text)) parts.Add(Join(text));
                else if (o.TryGetProperty("data", out var data) && data.TryGetProperty("text/plain", out var plain)) parts.Add(Join(plain));
            }
        }
        return string.Join("\n", parts);
    }

    static string Join(JsonElement e) => e.ValueKind == JsonValueKind.Array ? string.Concat(e.EnumerateArray().Select(x => x.GetString())) : e.GetString() ?? "";
}
