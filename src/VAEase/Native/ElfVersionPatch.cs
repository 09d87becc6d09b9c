// Makes libLibTorchSharp.so (TorchSharp-cpu 0.107.0) load on systems whose libstdc++ stops at
// GLIBCXX_3.4.30 (Debian 12, Ubuntu 22.04). The library asks for GLIBCXX_3.4.32 only for the
// link-time anchor std::ios_base_library_init(); marking that one version need as weak
// (VER_FLG_WEAK in vna_flags of its Vernaux entry in .gnu.version_r) lets the dynamic loader
// accept the older libstdc++, which provides every symbol the library actually calls.
//
// This one file serves two callers: MSBuild compiles it as an inline task (Directory.Build.targets)
// that patches the copy in a build output after each build, and the library compiles it with
// ELF_PATCH_NO_TASK for NativeLoader, which patches a copy in the user's cache at run time (what a
// package consumer gets). MSBuild compiles inline tasks against netstandard2.0, hence the plain byte loops.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace VAEase.Native
{
#if !ELF_PATCH_NO_TASK
    /// <summary>MSBuild task: patch the copy of a native library in the output, only when needed.</summary>
    public sealed class WeakenGlibcxxNeed : Microsoft.Build.Utilities.Task
    {
        [Microsoft.Build.Framework.Required] public string LibraryPath { get; set; } = "";
        [Microsoft.Build.Framework.Required] public string Version { get; set; } = "";

        public override bool Execute()
        {
            if (!File.Exists(LibraryPath) || !ElfVersionPatch.LibStdCxxLacks(Version)) return true;
            ElfVersionPatch.Outcome outcome = ElfVersionPatch.MakeVersionNeedWeak(LibraryPath, Version);
            if (outcome == ElfVersionPatch.Outcome.Patched)
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High,
                    $"VAEase: {ElfVersionPatch.LibStdCxxInUse()} lacks {Version}; marked that version need weak in {LibraryPath}");
            return true;
        }
    }
#endif

    /// <summary>Minimal ELF64 little-endian reader/writer for the one flag we need to set.</summary>
    internal static class ElfVersionPatch
    {
        public enum Outcome { Patched, AlreadyWeak, VersionNotNeeded }

        public const ushort VerFlgWeak = 0x2;
        const uint ShtDynamic = 6, ShtGnuVerdef = 0x6ffffffd, ShtGnuVerneed = 0x6ffffffe;
        const ulong DtNull = 0, DtNeeded = 1;

        /// <summary>Sets VER_FLG_WEAK on every Vernaux entry named <paramref name="version"/>.
        /// Writes a temp file and renames it over the original (never edits in place, so a
        /// hard-linked package cache is left untouched).</summary>
        public static Outcome MakeVersionNeedWeak(string path, string version)
        {
            byte[] elf = File.ReadAllBytes(path);
            Outcome outcome = MakeVersionNeedWeak(elf, version);
            if (outcome != Outcome.Patched) return outcome;
            string tmp = path + ".weak.tmp";
            File.Copy(path, tmp, true); // keeps the file mode
            using (var stream = new FileStream(tmp, FileMode.Truncate, FileAccess.Write)) stream.Write(elf, 0, elf.Length);
            File.Replace(tmp, path, null);
            return outcome;
        }

        /// <summary>In-memory form of <see cref="MakeVersionNeedWeak(string,string)"/>.</summary>
        public static Outcome MakeVersionNeedWeak(byte[] elf, string version)
        {
            var found = Outcome.VersionNotNeeded;
            foreach (int flagsOffset in VersionNeedFlagOffsets(elf, version))
            {
                ushort flags = U16(elf, flagsOffset);
                if ((flags & VerFlgWeak) != 0) { if (found == Outcome.VersionNotNeeded) found = Outcome.AlreadyWeak; continue; }
                flags |= VerFlgWeak;
                elf[flagsOffset] = (byte)flags;
                elf[flagsOffset + 1] = (byte)(flags >> 8);
                found = Outcome.Patched;
            }
            return found;
        }

        /// <summary>The vna_flags of each Vernaux entry named <paramref name="version"/>,
        /// or null when the file declares no need for it.</summary>
        public static ushort? ReadVersionNeedFlags(byte[] elf, string version)
        {
            foreach (int offset in VersionNeedFlagOffsets(elf, version)) return U16(elf, offset);
            return null;
        }

        /// <summary>Byte offsets of vna_flags of each Vernaux entry named <paramref name="version"/>.</summary>
        public static IEnumerable<int> VersionNeedFlagOffsets(byte[] elf, string version)
        {
            foreach (Section section in Sections(elf, ShtGnuVerneed))
            {
                int verneed = section.Start;
                for (uint n = 0; n < section.Info; n++) // Verneed: vn_cnt @2, vn_aux @8, vn_next @12
                {
                    int aux = verneed + (int)U32(elf, verneed + 8);
                    for (int a = 0; a < U16(elf, verneed + 2); a++) // Vernaux: vna_flags @4, vna_name @8, vna_next @12
                    {
                        if (CString(elf, section.Strings + (int)U32(elf, aux + 8)) == version) yield return aux + 4;
                        uint next = U32(elf, aux + 12);
                        if (next == 0) break;
                        aux += (int)next;
                    }
                    uint nextNeed = U32(elf, verneed + 12);
                    if (nextNeed == 0) break;
                    verneed += (int)nextNeed;
                }
            }
        }

        /// <summary>True when the file defines the version (a Verdef entry of .gnu.version_d), as a
        /// libstdc++ that provides GLIBCXX_3.4.32 does.</summary>
        public static bool DefinesVersion(byte[] elf, string version)
        {
            foreach (Section section in Sections(elf, ShtGnuVerdef))
            {
                int verdef = section.Start;
                for (uint n = 0; n < section.Info; n++) // Verdef: vd_aux @12, vd_next @16; its first Verdaux (vda_name @0) names it
                {
                    int aux = verdef + (int)U32(elf, verdef + 12);
                    if (CString(elf, section.Strings + (int)U32(elf, aux)) == version) return true;
                    uint next = U32(elf, verdef + 16);
                    if (next == 0) break;
                    verdef += (int)next;
                }
            }
            return false;
        }

        /// <summary>The DT_NEEDED entries of the dynamic section: the libraries the loader loads with this one.</summary>
        public static List<string> NeededLibraries(byte[] elf)
        {
            var needed = new List<string>();
            foreach (Section section in Sections(elf, ShtDynamic))
                for (long entry = section.Start; entry + 16 <= section.Start + section.Size; entry += 16) // Elf64_Dyn: d_tag, d_val
                {
                    ulong tag = U64(elf, (int)entry);
                    if (tag == DtNull) break;
                    if (tag == DtNeeded) needed.Add(CString(elf, section.Strings + (int)U64(elf, (int)entry + 8)));
                }
            return needed;
        }

        /// <summary>True when the libstdc++ of <see cref="LibStdCxxInUse"/> exists and does not define <paramref name="version"/>.</summary>
        public static bool LibStdCxxLacks(string version)
        {
            string? lib = LibStdCxxInUse();
            return lib != null && !DefinesVersion(File.ReadAllBytes(lib), version);
        }

        /// <summary>The libstdc++ this process has mapped (the .NET host links it, and every later dlopen
        /// binds libstdc++.so.6 to that copy), else the system's, else null.</summary>
        public static string? LibStdCxxInUse()
        {
            const string maps = "/proc/self/maps";
            if (File.Exists(maps))
                foreach (string line in File.ReadLines(maps))
                {
                    int slash = line.IndexOf('/'); // the path column, the only one with a slash
                    if (slash >= 0 && Path.GetFileName(line.Substring(slash)).StartsWith("libstdc++.so", StringComparison.Ordinal))
                        return line.Substring(slash);
                }
            return FindSystemLibStdCxx();
        }

        /// <summary>The system's libstdc++.so.6, or null where none is found.</summary>
        public static string? FindSystemLibStdCxx()
        {
            string[] dirs = { "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib/aarch64-linux-gnu", "/usr/lib" };
            foreach (string dir in dirs)
            {
                string candidate = Path.Combine(dir, "libstdc++.so.6");
                if (File.Exists(candidate)) return candidate;
            }
            return null;
        }

        /// <summary>A section's file offset, the file offset of its linked string table (sh_link), sh_info and size.</summary>
        struct Section
        {
            public int Start, Strings;
            public uint Info;
            public long Size;
        }

        static IEnumerable<Section> Sections(byte[] elf, uint type)
        {
            if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
                throw new InvalidDataException("not an ELF file");
            if (elf[4] != 2 || elf[5] != 1)
                throw new InvalidDataException("only 64-bit little-endian ELF is supported");
            long shoff = (long)U64(elf, 0x28);
            int shentsize = U16(elf, 0x3A), shnum = U16(elf, 0x3C);
            for (int i = 0; i < shnum; i++) // Elf64_Shdr: sh_type @4, sh_offset @24, sh_size @32, sh_link @40, sh_info @44
            {
                int sh = checked((int)(shoff + (long)i * shentsize));
                if (U32(elf, sh + 4) != type) continue;
                int strings = checked((int)(shoff + (long)U32(elf, sh + 40) * shentsize));
                yield return new Section
                {
                    Start = checked((int)U64(elf, sh + 24)), Strings = checked((int)U64(elf, strings + 24)),
                    Info = U32(elf, sh + 44), Size = (long)U64(elf, sh + 32),
                };
            }
        }

        static ushort U16(byte[] b, int o) => BitConverter.ToUInt16(b, o);
        static uint U32(byte[] b, int o) => BitConverter.ToUInt32(b, o);
        static ulong U64(byte[] b, int o) => BitConverter.ToUInt64(b, o);

        static string CString(byte[] b, int o)
        {
            int end = Array.IndexOf(b, (byte)0, o);
            return Encoding.ASCII.GetString(b, o, end - o);
        }
    }
}
