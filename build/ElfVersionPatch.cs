// Makes libLibTorchSharp.so (TorchSharp-cpu 0.107.0) load on systems whose libstdc++ stops at
// GLIBCXX_3.4.30 (Debian 12, Ubuntu 22.04). The library asks for GLIBCXX_3.4.32 only for the
// link-time anchor std::ios_base_library_init(); marking that one version need as weak
// (VER_FLG_WEAK in vna_flags of its Vernaux entry in .gnu.version_r) lets the dynamic loader
// accept the older libstdc++, which provides every symbol the library actually calls.
//
// This one file serves two callers: MSBuild compiles it as an inline task (Directory.Build.targets)
// that patches the copy in the build output after each build, and the test project compiles it
// with ELF_PATCH_NO_TASK to test the patch logic itself. MSBuild compiles inline tasks against
// netstandard2.0, hence the plain byte loops.
using System;
using System.IO;
using System.Text;

namespace VAEase.Build
{
#if !ELF_PATCH_NO_TASK
    /// <summary>MSBuild task: patch the copy of a native library in the output, only when needed.</summary>
    public sealed class WeakenGlibcxxNeed : Microsoft.Build.Utilities.Task
    {
        [Microsoft.Build.Framework.Required] public string LibraryPath { get; set; } = "";
        [Microsoft.Build.Framework.Required] public string Version { get; set; } = "";

        public override bool Execute()
        {
            if (!File.Exists(LibraryPath)) return true;
            string? systemLib = ElfVersionPatch.FindSystemLibStdCxx();
            if (systemLib == null || ElfVersionPatch.FileContainsVersionString(systemLib, Version))
                return true;
            ElfVersionPatch.Outcome outcome = ElfVersionPatch.MakeVersionNeedWeak(LibraryPath, Version);
            if (outcome == ElfVersionPatch.Outcome.Patched)
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High,
                    $"VAEase: {systemLib} lacks {Version}; marked that version need weak in {LibraryPath}");
            return true;
        }
    }
#endif

    /// <summary>Minimal ELF64 little-endian reader/writer for the one flag we need to set.</summary>
    public static class ElfVersionPatch
    {
        public enum Outcome { Patched, AlreadyWeak, VersionNotNeeded }

        public const ushort VerFlgWeak = 0x2;
        const uint ShtGnuVerneed = 0x6ffffffe;

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
        public static System.Collections.Generic.IEnumerable<int> VersionNeedFlagOffsets(byte[] elf, string version)
        {
            if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
                throw new InvalidDataException("not an ELF file");
            if (elf[4] != 2 || elf[5] != 1)
                throw new InvalidDataException("only 64-bit little-endian ELF is supported");
            long shoff = (long)U64(elf, 0x28);
            int shentsize = U16(elf, 0x3A), shnum = U16(elf, 0x3C);
            for (int i = 0; i < shnum; i++)
            {
                int sh = checked((int)(shoff + (long)i * shentsize));
                if (U32(elf, sh + 4) != ShtGnuVerneed) continue;
                int verneed = checked((int)U64(elf, sh + 24));
                uint count = U32(elf, sh + 44);
                int strtabHeader = checked((int)(shoff + (long)U32(elf, sh + 40) * shentsize));
                int strtab = checked((int)U64(elf, strtabHeader + 24));
                for (uint n = 0; n < count; n++)
                {
                    int aux = verneed + (int)U32(elf, verneed + 8);
                    for (int a = 0; a < U16(elf, verneed + 2); a++)
                    {
                        if (CString(elf, strtab + (int)U32(elf, aux + 8)) == version) yield return aux + 4;
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

        /// <summary>True when the file holds the NUL-terminated version name (a version definition).</summary>
        public static bool FileContainsVersionString(string path, string version)
        {
            byte[] bytes = File.ReadAllBytes(path);
            byte[] needle = Encoding.ASCII.GetBytes(version + "\0");
            for (int i = Array.IndexOf(bytes, needle[0]); i >= 0 && i <= bytes.Length - needle.Length; i = Array.IndexOf(bytes, needle[0], i + 1))
            {
                int k = 1;
                while (k < needle.Length && bytes[i + k] == needle[k]) k++;
                if (k == needle.Length) return true;
            }
            return false;
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
