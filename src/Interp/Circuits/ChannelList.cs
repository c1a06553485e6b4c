namespace Interp.Circuits;

/// <summary>The check every edit or patch of named channels makes, with one message.</summary>
static class ChannelList
{
    /// <summary>Throws, naming the valid range, when a channel is outside 0..<paramref name="count"/> − 1.</summary>
    public static void RequireInRange(string layer, IEnumerable<int> channels, long count, string parameter)
    {
        foreach (var ch in channels)
            if (ch < 0 || ch >= count)
                throw new ArgumentOutOfRangeException(parameter, ch, $"Channels of '{layer}' are 0..{count - 1}.");
    }
}
