// This file is compiled twice: into TfFunctional.Bindings (the load-time fix) and, by MSBuild's
// RoslynCodeTaskFactory, into the build task that patches output folders (build/TfFunctional.NativeRuntime.targets).
// Keep it free of anything but the BCL outside the MSBuild-only block.
using System;
using System.IO;
using System.Text;

namespace TfFunctional.Bindings.Native
{
    /// <summary>Outcome of one attempt to weaken a symbol-version requirement in an ELF file.</summary>
    public enum ElfPatchOutcome
    {
        /// <summary>The requirement was strong and is now weak.</summary>
        Patched,
        /// <summary>The requirement was already weak: nothing to do.</summary>
        AlreadyWeak,
        /// <summary>The file does not require that version: nothing to do.</summary>
        NotRequired,
        /// <summary>The file is not a 64-bit little-endian ELF file.</summary>
        NotElf,
    }

    /// <summary>
    /// Marks one <c>.gnu.version_r</c> requirement of an ELF64 shared object as weak (VER_FLG_WEAK), so that the
    /// dynamic loader accepts a libstdc++ that lacks that version. TorchSharp 0.107 needs GLIBCXX_3.4.32 (GCC 13)
    /// only for <c>_ZSt21ios_base_library_initv</c>, which nothing relocates against; Debian 12 stops at 3.4.30.
    /// </summary>
    public static class ElfVersionPatcher
    {
        /// <summary>The version that TorchSharp 0.107 requires and Debian 12's libstdc++ lacks.</summary>
        public const string GlibcxxVersion = "GLIBCXX_3.4.32";

        private const ushort VersionFlagWeak = 0x2;
        private const uint SectionTypeVersionNeed = 0x6FFFFFFE;

        /// <summary>Weakens <paramref name="versionName"/> in the ELF image held by <paramref name="image"/>, in place.</summary>
        public static ElfPatchOutcome Patch(byte[] image, string versionName = GlibcxxVersion)
        {
            if (image.Length < 64 || image[0] != 0x7F || image[1] != (byte)'E' || image[2] != (byte)'L' || image[3] != (byte)'F'
                || image[4] != 2 || image[5] != 1)
                return ElfPatchOutcome.NotElf;

            ulong sectionTableOffset = ReadUInt64(image, 0x28);
            int sectionEntrySize = ReadUInt16(image, 0x3A);
            int sectionCount = ReadUInt16(image, 0x3C);
            byte[] wanted = Encoding.ASCII.GetBytes(versionName);

            for (int i = 0; i < sectionCount; i++)
            {
                int header = checked((int)sectionTableOffset + i * sectionEntrySize);
                if (ReadUInt32(image, header + 4) != SectionTypeVersionNeed)
                    continue;
                int versionNeedOffset = checked((int)ReadUInt64(image, header + 0x18));
                int linkedStringSection = (int)ReadUInt32(image, header + 0x28);
                int entryCount = (int)ReadUInt32(image, header + 0x2C);
                int stringsOffset = checked((int)ReadUInt64(image, (int)sectionTableOffset + linkedStringSection * sectionEntrySize + 0x18));
                return PatchVersionNeeds(image, versionNeedOffset, entryCount, stringsOffset, wanted);
            }
            return ElfPatchOutcome.NotRequired;
        }

        /// <summary>
        /// Patches the file at <paramref name="path"/> if needed. The new bytes go to a temporary file in the same
        /// folder that then replaces the original, so a reader never sees a half-written library.
        /// </summary>
        public static ElfPatchOutcome PatchFile(string path, string versionName = GlibcxxVersion)
        {
            byte[] image = File.ReadAllBytes(path);
            ElfPatchOutcome outcome = Patch(image, versionName);
            if (outcome == ElfPatchOutcome.Patched)
                WriteAtomically(path, image);
            return outcome;
        }

        /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> through a temporary file and a rename.</summary>
        public static void WriteAtomically(string path, byte[] bytes)
        {
            string temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            try
            {
                File.WriteAllBytes(temporary, bytes);
                // netstandard2.0 (MSBuild's inline tasks) has no File.Move overwrite; Replace is a rename on Unix.
                if (File.Exists(path))
                    File.Replace(temporary, path, null);
                else
                    File.Move(temporary, path);
            }
            finally
            {
                if (File.Exists(temporary))
                    File.Delete(temporary);
            }
        }

        private static ElfPatchOutcome PatchVersionNeeds(byte[] image, int offset, int entryCount, int stringsOffset, byte[] wanted)
        {
            for (int entry = 0; entry < Math.Max(entryCount, 1); entry++)
            {
                int auxiliaryCount = ReadUInt16(image, offset + 2);
                int auxiliary = offset + (int)ReadUInt32(image, offset + 8);
                for (int j = 0; j < auxiliaryCount; j++)
                {
                    int nameOffset = stringsOffset + (int)ReadUInt32(image, auxiliary + 8);
                    if (NameEquals(image, nameOffset, wanted))
                    {
                        ushort flags = ReadUInt16(image, auxiliary + 4);
                        if ((flags & VersionFlagWeak) != 0)
                            return ElfPatchOutcome.AlreadyWeak;
                        flags |= VersionFlagWeak;
                        image[auxiliary + 4] = (byte)flags;
                        image[auxiliary + 5] = (byte)(flags >> 8);
                        return ElfPatchOutcome.Patched;
                    }
                    uint nextAuxiliary = ReadUInt32(image, auxiliary + 12);
                    if (nextAuxiliary == 0)
                        break;
                    auxiliary += (int)nextAuxiliary;
                }
                uint next = ReadUInt32(image, offset + 12);
                if (next == 0)
                    break;
                offset += (int)next;
            }
            return ElfPatchOutcome.NotRequired;
        }

        private static bool NameEquals(byte[] image, int offset, byte[] wanted)
        {
            if (offset + wanted.Length >= image.Length)
                return false;
            for (int k = 0; k < wanted.Length; k++)
                if (image[offset + k] != wanted[k])
                    return false;
            return image[offset + wanted.Length] == 0;
        }

        private static ushort ReadUInt16(byte[] b, int at) => (ushort)(b[at] | b[at + 1] << 8);

        private static uint ReadUInt32(byte[] b, int at) => (uint)(b[at] | b[at + 1] << 8 | b[at + 2] << 16 | b[at + 3] << 24);

        private static ulong ReadUInt64(byte[] b, int at) => ReadUInt32(b, at) | (ulong)ReadUInt32(b, at + 4) << 32;
    }

#if !TFFUNCTIONAL_BINDINGS
    /// <summary>MSBuild task: weakens the GLIBCXX_3.4.32 requirement of every given copy of libLibTorchSharp.so.</summary>
    public class WeakenGlibcxxRequirement : Microsoft.Build.Utilities.Task
    {
        [Microsoft.Build.Framework.Required]
        public Microsoft.Build.Framework.ITaskItem[] Files { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

        public override bool Execute()
        {
            foreach (var item in Files)
            {
                string path = item.GetMetadata("FullPath");
                ElfPatchOutcome outcome = ElfVersionPatcher.PatchFile(path);
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, "{0}: {1}", path, outcome);
            }
            return !Log.HasLoggedErrors;
        }
    }
#endif
}
