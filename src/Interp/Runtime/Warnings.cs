using System.Collections.Concurrent;

namespace Interp.Runtime;

/// <summary>
/// Warnings the library gives once per process and kind (a likely mistake that is not an error, such as
/// an image in 0–255 where [0, 1] is expected). They go to standard error unless <see cref="Sink"/> is set.
/// </summary>
public static class Warnings
{
    static readonly ConcurrentDictionary<string, bool> _given = new(StringComparer.Ordinal);

    /// <summary>Where warnings go; default: standard error, prefixed with "warning: ".</summary>
    public static Action<string> Sink { get; set; } = message => Console.Error.WriteLine("warning: " + message);

    /// <summary>Every warning given so far in this process, in order.</summary>
    public static IReadOnlyList<string> Given => [.. _log];
    static readonly ConcurrentQueue<string> _log = new();

    /// <summary>Gives <paramref name="message"/> unless a warning of <paramref name="kind"/> was already given. Returns whether it was given now.</summary>
    public static bool Once(string kind, string message)
    {
        if (!_given.TryAdd(kind, true)) return false;
        _log.Enqueue(message);
        Sink(message);
        return true;
    }

    /// <summary>Forgets which kinds were given, so that each can be given again (tests).</summary>
    public static void Reset() => _given.Clear();
}
