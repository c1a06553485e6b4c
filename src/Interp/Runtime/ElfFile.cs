using System.Buffers.Binary;
using System.Text;

namespace Interp.Runtime;

/// <summary>One version that a shared library needs from another (an entry of <c>.gnu.version_r</c>).</summary>
/// <param name="File">The library it is needed from, e.g. <c>libstdc++.so.6</c>.</param>
/// <param name="Name">The version name, e.g. <c>GLIBCXX_3.4.32</c>.</param>
/// <param name="Index">The version index that symbols refer to (<c>vna_other</c>).</param>
/// <param name="IsWeak">Whether the <c>VER_FLG_WEAK</c> flag is set.</param>
/// <param name="FlagsOffset">Byte offset of the entry's <c>vna_flags</c> field in the file.</param>
public sealed record ElfVersionNeed(string File, string Name, int Index, bool IsWeak, long FlagsOffset);

/// <summary>
/// A minimal reader of 64-bit little-endian ELF shared libraries: just enough to read symbol
/// versioning (<c>.gnu.version_r</c>, <c>.gnu.version_d</c>, <c>.gnu.version</c>, <c>.dynsym</c>)
/// and to mark a needed version weak.
/// </summary>
public sealed class ElfFile
{
    const uint ShtDynsym = 11;
    const uint ShtGnuVerdef = 0x6ffffffd;
    const uint ShtGnuVerneed = 0x6ffffffe;
    const uint ShtGnuVersym = 0x6fffffff;
    /// <summary>The <c>VER_FLG_WEAK</c> bit of <c>vna_flags</c>.</summary>
    public const ushort VerFlagWeak = 0x2;

    readonly byte[] _bytes;
    readonly List<Section> _sections = [];

    readonly record struct Section(uint Type, long Offset, long Size, uint Link, uint Info, long EntrySize);

    ElfFile(byte[] bytes, string description)
    {
        _bytes = bytes;
        if (bytes.Length < 64 || bytes[0] != 0x7f || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F')
            throw new InvalidDataException($"{description} is not an ELF file (it does not start with the bytes 7F 'E' 'L' 'F').");
        if (bytes[4] != 2 || bytes[5] != 1)
            throw new InvalidDataException($"{description} is an ELF file but not 64-bit little-endian (class {bytes[4]}, data {bytes[5]}); only ELF64 LSB is supported.");
        long shoff = (long)U64(0x28);
        int shentsize = U16(0x3A), shnum = U16(0x3C);
        if (shoff <= 0 || shentsize < 64 || shoff + (long)shentsize * shnum > bytes.Length)
            throw new InvalidDataException($"{description} has a truncated or missing ELF section header table.");
        for (int i = 0; i < shnum; i++)
        {
            long o = shoff + (long)i * shentsize;
            _sections.Add(new Section(U32(o + 4), (long)U64(o + 24), (long)U64(o + 32), U32(o + 40), U32(o + 44), (long)U64(o + 56)));
        }
        foreach (var s in _sections)
            if (s.Offset < 0 || s.Offset + s.Size > bytes.Length && s.Type != 8 /* NOBITS */)
                throw new InvalidDataException($"{description} is truncated: a section extends past the end of the file.");
    }

    /// <summary>Reads an ELF file from disk.</summary>
    public static ElfFile Read(string path) => new(File.ReadAllBytes(path), $"'{path}'");

    /// <summary>Parses ELF bytes (the array is used, not copied).</summary>
    public static ElfFile Parse(byte[] bytes, string description = "the data") => new(bytes, description);

    /// <summary>The file's bytes, including any change made by <see cref="MarkWeak"/>.</summary>
    public byte[] Bytes => _bytes;

    /// <summary>Every version this library needs from other libraries.</summary>
    public IReadOnlyList<ElfVersionNeed> VersionNeeds()
    {
        var result = new List<ElfVersionNeed>();
        foreach (var s in _sections.Where(s => s.Type == ShtGnuVerneed))
        {
            var strtab = _sections[(int)s.Link];
            long entry = s.Offset;
            for (uint i = 0; i < s.Info; i++)
            {
                int count = U16(entry + 2);
                string file = Str(strtab, U32(entry + 4));
                long aux = entry + U32(entry + 8);
                for (int j = 0; j < count; j++)
                {
                    ushort flags = U16(aux + 4);
                    result.Add(new ElfVersionNeed(file, Str(strtab, U32(aux + 8)), U16(aux + 6), (flags & VerFlagWeak) != 0, aux + 4));
                    uint nextAux = U32(aux + 12);
                    if (nextAux == 0) break;
                    aux += nextAux;
                }
                uint next = U32(entry + 12);
                if (next == 0) break;
                entry += next;
            }
        }
        return result;
    }

    /// <summary>Every version this library defines (the names in <c>.gnu.version_d</c>).</summary>
    public IReadOnlySet<string> VersionDefinitions()
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in _sections.Where(s => s.Type == ShtGnuVerdef))
        {
            var strtab = _sections[(int)s.Link];
            long entry = s.Offset;
            for (uint i = 0; i < s.Info; i++)
            {
                long aux = entry + U32(entry + 12);
                result.Add(Str(strtab, U32(aux)));
                uint next = U32(entry + 16);
                if (next == 0) break;
                entry += next;
            }
        }
        return result;
    }

    /// <summary>The names of the dynamic symbols bound to the given version index.</summary>
    public IReadOnlyList<string> SymbolsWithVersionIndex(int index)
    {
        var versym = _sections.FirstOrDefault(s => s.Type == ShtGnuVersym);
        var dynsym = _sections.FirstOrDefault(s => s.Type == ShtDynsym);
        if (versym.Size == 0 || dynsym.Size == 0) return [];
        var strtab = _sections[(int)dynsym.Link];
        long count = dynsym.Size / Math.Max(24, dynsym.EntrySize);
        var names = new List<string>();
        for (long i = 0; i < count; i++)
        {
            if ((U16(versym.Offset + 2 * i) & 0x7fff) != index) continue;
            names.Add(Str(strtab, U32(dynsym.Offset + i * 24)));
        }
        return names;
    }

    /// <summary>Sets <c>VER_FLG_WEAK</c> on a needed version, so that the dynamic loader only warns when it is missing.</summary>
    public void MarkWeak(ElfVersionNeed need)
    {
        ushort flags = U16(need.FlagsOffset);
        BinaryPrimitives.WriteUInt16LittleEndian(_bytes.AsSpan(checked((int)need.FlagsOffset)), (ushort)(flags | VerFlagWeak));
    }

    string Str(Section strtab, uint offset)
    {
        long start = strtab.Offset + offset;
        if (offset >= strtab.Size) throw new InvalidDataException("ELF string offset outside its string table.");
        int end = Array.IndexOf(_bytes, (byte)0, checked((int)start));
        if (end < 0) throw new InvalidDataException("Unterminated ELF string.");
        return Encoding.ASCII.GetString(_bytes, (int)start, end - (int)start);
    }

    ushort U16(long o) => o + 2 <= _bytes.Length ? BinaryPrimitives.ReadUInt16LittleEndian(_bytes.AsSpan((int)o)) : throw Truncated();
    uint U32(long o) => o + 4 <= _bytes.Length ? BinaryPrimitives.ReadUInt32LittleEndian(_bytes.AsSpan((int)o)) : throw Truncated();
    ulong U64(long o) => o + 8 <= _bytes.Length ? BinaryPrimitives.ReadUInt64LittleEndian(_bytes.AsSpan((int)o)) : throw Truncated();
    static InvalidDataException Truncated() => new("The ELF file is truncated.");
}
