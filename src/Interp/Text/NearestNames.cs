namespace Interp.Text;

/// <summary>Suggestions for a mistyped name: the valid names closest by edit distance.</summary>
public static class NearestNames
{
    /// <summary>Up to <paramref name="count"/> names from <paramref name="valid"/>, closest to <paramref name="wanted"/> first.</summary>
    public static IReadOnlyList<string> Find(string wanted, IEnumerable<string> valid, int count = 5) =>
        valid.Distinct()
            .Select(v => (Name: v, Distance: Distance(wanted.ToLowerInvariant(), v.ToLowerInvariant())))
            .OrderBy(p => p.Distance).ThenBy(p => p.Name, StringComparer.Ordinal)
            .Take(count).Select(p => p.Name).ToList();

    /// <summary>The Levenshtein distance between two strings.</summary>
    public static int Distance(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) prev[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (int j = 1; j <= b.Length; j++)
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }

    /// <summary>"Unknown X 'name'. Did you mean …? Valid …: …" with the full list when it is short.</summary>
    public static string UnknownMessage(string what, string wanted, IReadOnlyCollection<string> valid)
    {
        var near = Find(wanted, valid);
        var message = $"Unknown {what} '{wanted}'. Did you mean {string.Join(", ", near.Select(n => $"'{n}'"))}?";
        message += valid.Count <= 40
            ? $" Valid {what}s: {string.Join(", ", valid)}."
            : $" There are {valid.Count} valid {what}s; list them with Layers().";
        return message;
    }
}
