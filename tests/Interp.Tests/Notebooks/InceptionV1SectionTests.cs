using System.Text.Json.Nodes;
using Interp.Downloads;
using Interp.Zoo;
using Interp.Models;

namespace Interp.Tests.Notebooks;

/// <summary>
/// Notebook 02's InceptionV1 section (§6, the paper's curve family) prints a skip message on machines without the weights,
/// which is every machine here; the stock-kernel run in CI covers that path. This runs the other one, the path a learner
/// with the weights takes: Lucent's InceptionV1 with random weights in the released file's layout (the parity fixture) is
/// put where <see cref="InceptionV1Lucid.Download"/> writes the real file, in a cache of this test's own (INTERP_CACHE), so
/// the user's cache is never touched. Random weights make the section's numbers meaningless; the test checks only that the
/// code runs to the end and shows its results. (Notebook 01's InceptionV1 section is one render, whose path
/// <c>InceptionV1ParityTests</c> runs on the same fixture; running that notebook again here would add minutes to CI.)
/// </summary>
[Trait("Needs", TestPaths.NeedsFixtures)]
[Collection("notebooks")]
public class InceptionV1SectionTests(NotebookRunFixture run)
{
    [SkippableFact]
    public void Notebook_02s_InceptionV1_section_runs_to_the_end_when_the_weights_are_in_the_cache()
    {
        var fixture = TestPaths.Fixture("inceptionv1-lucent", "state_dict.pth");
        // The run below uses --no-pack: the fixture packed and installed the package the notebook's set-up cell references.
        var installed = Path.Combine(Interp.Curriculum.LibraryPackage.GlobalPackagesFolder(), "interp.notebooks", Interp.Curriculum.LibraryPackage.Version(TestPaths.RepoRoot));
        Assert.True(Directory.Exists(installed), $"the fixture installed no package at {installed} (its notebook run exited with {run.ExitCode})");
        var cache = TestPaths.Temp("inception-cache");
        var downloads = new DownloadCache(Path.Combine(cache, "downloads"));
        var weights = downloads.PathOf(InceptionV1Lucid.Weights);
        Directory.CreateDirectory(Path.GetDirectoryName(weights)!);
        File.Copy(fixture, weights);

        var outDir = TestPaths.Temp("notebooks-inception");
        const string name = "02-curve-detectors";
        // The cells tagged slow (the layer3 scan, the candidates' renders) are skipped: the section needs neither, and the
        // fixture's run covers them.
        var (code, log) = NotebookTests.Dotnet([NotebookRunFixture.Runner, Path.Combine(TestPaths.RepoRoot, "notebooks", name + ".ipynb"), "--out", outDir, "--no-pack",
            "--skip-slow"],
            TimeSpan.FromMinutes(30), new Dictionary<string, string?> { ["INTERP_QUICK"] = "1", ["INTERP_CACHE"] = cache });
        Assert.True(code == 0, $"exit code {code}:\n{log}");

        var cells = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, name + ".ipynb")))!["cells"]!.AsArray();
        var section = Assert.Single(cells, c => c!["cell_type"]!.GetValue<string>() == "code"
            && string.Concat(c["source"]!.AsArray().Select(l => l!.GetValue<string>())).Contains("ModelZoo.Load(\"inceptionv1\")", StringComparison.Ordinal))!;
        var outputs = section["outputs"]!.AsArray();
        Assert.DoesNotContain(outputs, o => o!["output_type"]!.GetValue<string>() == "error");
        var printed = string.Concat(outputs.Where(o => o!["output_type"]!.GetValue<string>() == "stream")
            .SelectMany(o => o!["text"] is JsonArray lines ? lines.Select(l => l!.GetValue<string>()) : [o["text"]!.GetValue<string>()]));
        Assert.DoesNotContain("Skipped", printed);
        Assert.Contains("of the paper's 10 curve detectors pass this notebook's controls", printed);
        // Then the family's table and its polar tuning chart, which names all ten units.
        var html = outputs.Where(o => o!["data"] is JsonObject data && data.ContainsKey("text/html")).Select(o => o!["data"]!["text/html"]!.ToJsonString()).ToList();
        Assert.Contains(html, h => h.Contains("mixed3b:379", StringComparison.Ordinal) && h.Contains("Selectivity", StringComparison.Ordinal));
        Assert.Contains(html, h => h.Contains("mixed3b family: orientation tuning, scaled to peak", StringComparison.Ordinal) && h.Contains("mixed3b:324",
            StringComparison.Ordinal));
        // The weights stayed in this test's cache, with the hash recorded on first use beside them.
        Assert.True(File.Exists(downloads.RecordedHashPath(InceptionV1Lucid.Weights)));
    }
}
