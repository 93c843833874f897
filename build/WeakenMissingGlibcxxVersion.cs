using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

// MSBuild task: see NativeLoadFix.targets for why this exists.
public class WeakenMissingGlibcxxVersion : Task
{
    private const string Version = "GLIBCXX_3.4.32";
    private const ushort VerFlagWeak = 2;
    private const uint ShtGnuVerneed = 0x6ffffffe;

    [Required]
    public string Directory { get; set; }

    public override bool Execute()
    {
        if (!System.IO.Directory.Exists(Directory)) return true;
        if (SystemLibstdcxxProvides(Version)) return true;
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "libLibTorchSharp.so", SearchOption.AllDirectories))
        {
            try
            {
                if (WeakenVersionNeed(path, Version))
                    Log.LogMessage(MessageImportance.High, "Balms: marked " + Version + " weak in " + path);
            }
            catch (Exception e)
            {
                Log.LogWarning("Balms: could not patch " + path + ": " + e.Message);
            }
        }
        return true;
    }

    private static bool SystemLibstdcxxProvides(string version)
    {
        string[] candidates =
        {
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/usr/lib/aarch64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
        };
        foreach (var candidate in candidates)
        {
            if (!File.Exists(candidate)) continue;
            // The version names a library defines live in its .dynstr; a plain byte search is enough to find them.
            byte[] bytes = File.ReadAllBytes(candidate);
            byte[] needle = Encoding.ASCII.GetBytes(version + "\0");
            return IndexOf(bytes, needle) >= 0;
        }
        return false; // no system libstdc++ found where we know to look: patch, the weak flag is harmless.
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && haystack[i + j] == needle[j]) j++;
            if (j == needle.Length) return i;
        }
        return -1;
    }

    // Walks the ELF64 little-endian section table to .gnu.version_r and sets VER_FLG_WEAK on the vernaux entry
    // naming `version`. Returns true when the file was changed.
    private static bool WeakenVersionNeed(string path, string version)
    {
        byte[] elf = File.ReadAllBytes(path);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[4] != 2 || elf[5] != 1) return false;
        long sectionHeaders = BitConverter.ToInt64(elf, 0x28);
        int sectionHeaderSize = BitConverter.ToUInt16(elf, 0x3A);
        int sectionCount = BitConverter.ToUInt16(elf, 0x3C);
        bool changed = false;
        for (int s = 0; s < sectionCount; s++)
        {
            long header = sectionHeaders + (long)s * sectionHeaderSize;
            if (BitConverter.ToUInt32(elf, (int)header + 4) != ShtGnuVerneed) continue;
            long offset = BitConverter.ToInt64(elf, (int)header + 0x18);
            int link = (int)BitConverter.ToUInt32(elf, (int)header + 0x28);
            long stringsHeader = sectionHeaders + (long)link * sectionHeaderSize;
            long strings = BitConverter.ToInt64(elf, (int)stringsHeader + 0x18);

            long need = offset;
            while (true)
            {
                int auxCount = BitConverter.ToUInt16(elf, (int)need + 2);
                long aux = need + BitConverter.ToUInt32(elf, (int)need + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    long nameOffset = strings + BitConverter.ToUInt32(elf, (int)aux + 8);
                    if (ReadCString(elf, nameOffset) == version)
                    {
                        ushort flags = BitConverter.ToUInt16(elf, (int)aux + 4);
                        if ((flags & VerFlagWeak) == 0)
                        {
                            flags |= VerFlagWeak;
                            elf[aux + 4] = (byte)(flags & 0xff);
                            elf[aux + 5] = (byte)(flags >> 8);
                            changed = true;
                        }
                    }
                    uint nextAux = BitConverter.ToUInt32(elf, (int)aux + 12);
                    if (nextAux == 0) break;
                    aux += nextAux;
                }
                uint nextNeed = BitConverter.ToUInt32(elf, (int)need + 12);
                if (nextNeed == 0) break;
                need += nextNeed;
            }
        }
        if (changed)
        {
            string temporary = path + ".balms-tmp";
            File.WriteAllBytes(temporary, elf);
            // The task compiles against netstandard2.0, which has no overwriting File.Move.
            File.Copy(temporary, path, true);
            File.Delete(temporary);
        }
        return changed;
    }

    private static string ReadCString(byte[] bytes, long offset)
    {
        long end = offset;
        while (end < bytes.Length && bytes[end] != 0) end++;
        return Encoding.ASCII.GetString(bytes, (int)offset, (int)(end - offset));
    }
}
