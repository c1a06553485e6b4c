using System.Diagnostics;
using Spectre.Console;

namespace Interp.CommandLine;

/// <summary>
/// Progress of long work with an estimate of the time left: a live bar on a terminal (Spectre.Console), a plain line at every
/// tenth of the work (and at the end) when the output is a file or a pipe.
/// </summary>
public static class ProgressDisplay
{
    /// <summary>
    /// Runs <paramref name="work"/>, which reports how many of <paramref name="total"/> units are done (and a short status),
    /// and shows its progress on <paramref name="console"/>.
    /// </summary>
    public static T Run<T>(IAnsiConsole console, string title, double total, Func<IProgress<(double Done, string Status)>, T> work)
    {
        if (console.Profile.Capabilities.Interactive)
        {
            T result = default!;
            console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                .Start(context =>
                {
                    var task = context.AddTask(title, maxValue: total);
                    result = work(new Callback(p =>
                    {
                        task.Value = p.Done;
                        task.Description = p.Status.Length > 0 ? $"{title}: {Markup.Escape(p.Status)}" : title;
                    }));
                    task.Value = total;
                });
            return result;
        }
        var clock = Stopwatch.StartNew();
        int lastTenth = -1;
        return work(new Callback(p =>
        {
            double fraction = total > 0 ? Math.Clamp(p.Done / total, 0, 1) : 1;
            int tenth = (int)(fraction * 10);
            if (tenth == lastTenth) return;
            lastTenth = tenth;
            console.WriteLine(Line(title, p.Done, total, clock.Elapsed, p.Status));
        }));
    }

    /// <summary>One plain progress line: done of total, percent, elapsed and the time left at the rate so far.</summary>
    public static string Line(string title, double done, double total, TimeSpan elapsed, string status = "")
    {
        double fraction = total > 0 ? Math.Clamp(done / total, 0, 1) : 1;
        string eta = fraction > 0 && fraction < 1 ? $", about {Format(TimeSpan.FromSeconds(elapsed.TotalSeconds * (1 - fraction) / fraction))} left" : "";
        return FormattableString.Invariant($"{title}: {done:0.##}/{total:0.##} ({fraction:P0}), {Format(elapsed)} elapsed{eta}{(status.Length > 0 ? $" — {status}" : "")}");
    }

    static string Format(TimeSpan t) => t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:00}m" : t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes}m{t.Seconds:00}s"
        : $"{t.TotalSeconds:0.0}s";

    sealed class Callback(Action<(double Done, string Status)> report) : IProgress<(double Done, string Status)>
    {
        public void Report((double Done, string Status) value) => report(value);
    }
}
