namespace Interp.Runtime;

/// <summary>
/// Decides whether a native library built against a newer libstdc++ can run on this system's
/// libstdc++ once some of its version needs are weakened.
/// </summary>
/// <remarks>
/// TorchSharp 0.107.0's <c>libLibTorchSharp.so</c> was built with GCC 13 and needs
/// <c>GLIBCXX_3.4.32</c>; Debian 12 and Ubuntu 22.04 stop at 3.4.30. The only symbol bound to that
/// version is <c>std::ios_base_library_init()</c>, which GCC 13's <c>&lt;iostream&gt;</c> references
/// purely to force the library to be linked; no relocation calls it. Marking that version need weak
/// lets the dynamic loader accept the library, and nothing else changes.
/// </remarks>
public static class LibStdCxxCompatibility
{
    /// <summary>Symbols that may be left unresolved when their version is weakened: they are link-time anchors only.</summary>
    public static readonly IReadOnlySet<string> AnchorSymbols = new HashSet<string>(StringComparer.Ordinal)
    {
        "_ZSt21ios_base_library_initv",
    };

    /// <summary>The file name of the C++ runtime whose version needs are examined.</summary>
    public const string LibStdCxx = "libstdc++.so.6";

    /// <summary>
    /// The libstdc++ version needs of <paramref name="library"/> that <paramref name="available"/> lacks
    /// and that can be weakened safely. Empty when the system already provides everything.
    /// </summary>
    /// <exception cref="NotSupportedException">A missing version is bound to a symbol that is really used.</exception>
    public static IReadOnlyList<ElfVersionNeed> NeedsToWeaken(ElfFile library, IReadOnlySet<string> available, string libraryName = "the library")
    {
        var missing = library.VersionNeeds()
            .Where(n => n.File == LibStdCxx && !n.IsWeak && !available.Contains(n.Name))
            .ToList();
        foreach (var need in missing)
        {
            var symbols = library.SymbolsWithVersionIndex(need.Index);
            var real = symbols.Where(s => !AnchorSymbols.Contains(s)).ToList();
            if (real.Count > 0)
                throw new NotSupportedException(
                    $"{libraryName} needs {need.Name} from {LibStdCxx}, which this system's C++ runtime does not provide, " +
                    $"and it uses real symbols of that version ({string.Join(", ", real.Take(5))}). " +
                    "Install a newer libstdc++ (GCC 13 or later) or use a newer Linux distribution.");
        }
        return missing;
    }
}
