using System.Text.RegularExpressions;

namespace Interp.Tests.Microscope;

/// <summary>The cluster manifests map indices to shards the way the command expects.</summary>
public class DeployManifestTests
{
    [Fact]
    public void The_kubernetes_indexed_job_gives_pod_i_of_n_the_shard_i_of_n()
    {
        var yaml = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "deploy", "kubernetes", "microscope-job.yaml"));
        Assert.Contains("completionMode: Indexed", yaml);
        int completions = int.Parse(Regex.Match(yaml, @"^\s*completions:\s*(\d+)\s*$", RegexOptions.Multiline).Groups[1].Value);
        var shard = Regex.Match(yaml, @"--shard ""\$JOB_COMPLETION_INDEX/(\d+)""");
        Assert.True(shard.Success, "the pod's command should pass --shard \"$JOB_COMPLETION_INDEX/<completions>\"");
        Assert.Equal(completions, int.Parse(shard.Groups[1].Value));
        Assert.Contains("--out \"/microscope/shards/$JOB_COMPLETION_INDEX\"", yaml);
    }

    [Fact]
    public void The_slurm_task_passes_its_array_index_and_count_as_the_shard()
    {
        var script = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "deploy", "slurm", "microscope.sbatch"));
        Assert.Contains("--shard \"$task/$count\"", script);
        Assert.Contains("task=${SLURM_ARRAY_TASK_ID:?", script);
        Assert.Contains("count=${SLURM_ARRAY_TASK_COUNT:?", script);
    }
}
