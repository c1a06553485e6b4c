using Interp.Runtime;

namespace Interp.Tests.Runtime;

public class ElfFileTests
{
    // The GLIBCXX versions that Debian 12's libstdc++ 6.0.30 defines at the top end.
    static readonly HashSet<string> Debian12 = [.. Enumerable.Range(0, 31).Select(i => i == 0 ? "GLIBCXX_3.4" : $"GLIBCXX_3.4.{i}"),
        .. Enumerable.Range(0, 14).Select(i => i == 0 ? "CXXABI_1.3" : $"CXXABI_1.3.{i}")];

    static byte[] RealLibrary()
    {
        var path = TestPaths.TorchSharpNative;
        Assert.True(File.Exists(path), $"TorchSharp 0.107.0's native library should be restored at {path}.");
        return File.ReadAllBytes(path);
    }

    [Fact]
    public void Finds_exactly_the_GLIBCXX_3_4_32_need_of_the_real_library()
    {
        var elf = ElfFile.Parse(RealLibrary());
        var weaken = LibStdCxxCompatibility.NeedsToWeaken(elf, Debian12);
        var need = Assert.Single(weaken);
        Assert.Equal("GLIBCXX_3.4.32", need.Name);
        Assert.Equal("libstdc++.so.6", need.File);
        Assert.False(need.IsWeak);
        Assert.Equal(["_ZSt21ios_base_library_initv"], elf.SymbolsWithVersionIndex(need.Index));
    }

    [Fact]
    public void Marking_weak_changes_one_flag_byte_and_nothing_else()
    {
        var original = RealLibrary();
        var copy = (byte[])original.Clone();
        var elf = ElfFile.Parse(copy);
        var need = LibStdCxxCompatibility.NeedsToWeaken(elf, Debian12).Single();
        elf.MarkWeak(need);

        var differing = Enumerable.Range(0, original.Length).Where(i => original[i] != copy[i]).ToList();
        Assert.Equal([(int)need.FlagsOffset], differing);
        Assert.Equal(ElfFile.VerFlagWeak, copy[need.FlagsOffset] & ElfFile.VerFlagWeak);

        var reread = ElfFile.Parse(copy);
        Assert.True(reread.VersionNeeds().Single(n => n.Name == "GLIBCXX_3.4.32").IsWeak);
        Assert.All(reread.VersionNeeds().Where(n => n.Name != "GLIBCXX_3.4.32"), n => Assert.False(n.IsWeak));
        Assert.Empty(LibStdCxxCompatibility.NeedsToWeaken(reread, Debian12));
    }

    [Fact]
    public void Does_nothing_when_the_system_library_has_the_version()
    {
        var elf = ElfFile.Parse(RealLibrary());
        var newer = new HashSet<string>(Debian12) { "GLIBCXX_3.4.31", "GLIBCXX_3.4.32" };
        Assert.Empty(LibStdCxxCompatibility.NeedsToWeaken(elf, newer));
    }

    [Fact]
    public void Refuses_to_weaken_a_version_whose_symbols_are_really_used()
    {
        var elf = ElfFile.Parse(RealLibrary());
        var older = new HashSet<string>(Debian12);
        older.Remove("GLIBCXX_3.4.30");
        var e = Assert.Throws<NotSupportedException>(() => LibStdCxxCompatibility.NeedsToWeaken(elf, older));
        Assert.Contains("GLIBCXX_3.4.30", e.Message);
    }

    [Fact]
    public void Reads_the_version_definitions_of_the_system_libstdcxx()
    {
        var path = "/usr/lib/x86_64-linux-gnu/libstdc++.so.6";
        Assert.True(File.Exists(path), "This test runs on x86-64 Debian/Ubuntu, where libstdc++ lives at " + path);
        var defs = ElfFile.Read(path).VersionDefinitions();
        Assert.Contains("GLIBCXX_3.4.30", defs);
        Assert.Contains("CXXABI_1.3", defs);
    }

    [Fact]
    public void A_file_that_is_not_ELF_gets_a_clear_error()
    {
        var dir = TestPaths.Temp("elf");
        var path = Path.Combine(dir, "not-elf.so");
        File.WriteAllText(path, "this is a text file, not a shared library, padded to be long enough to have a header........");
        var e = Assert.Throws<InvalidDataException>(() => ElfFile.Read(path));
        Assert.Contains("not an ELF file", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void A_truncated_ELF_file_gets_a_clear_error()
    {
        var truncated = RealLibrary()[..4096];
        var e = Assert.Throws<InvalidDataException>(() => ElfFile.Parse(truncated, "the truncated copy"));
        Assert.Contains("truncated", e.Message);
    }
}
