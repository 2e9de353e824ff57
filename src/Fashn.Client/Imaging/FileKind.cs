using System;
using System.Runtime.InteropServices;
using System.Text;

namespace Fashn.Client.Imaging
{
    /// <summary>
    /// What a path names on Unix when it is not a regular file: a FIFO waits for a writer when opened, and a device
    /// such as /dev/zero never ends, so such an input must be refused before it is opened. .NET's own file API does not
    /// tell them apart (File.Exists is true, Length is 0), so the runtime's native shim is asked (SystemNative_Stat,
    /// which follows links and gives the type bits in POSIX's values).
    /// </summary>
    internal static class FileKind
    {
        private const int TypeMask = 0xF000;
        private const int Fifo = 0x1000;
        private const int CharacterDevice = 0x2000;
        private const int Directory = 0x4000;
        private const int BlockDevice = 0x6000;
        private const int Regular = 0x8000;
        private const int Socket = 0xC000;

        // The runtime's FileStatus begins with Flags and Mode (two ints); its full size is well under this.
        [StructLayout(LayoutKind.Sequential, Size = 512)]
        private struct FileStatus
        {
            public int Flags;
            public int Mode;
        }

        [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat", SetLastError = true)]
        private static extern int Stat(byte[] path, out FileStatus status);

        /// <summary>"a FIFO (named pipe)", "a device", ...; null for a regular file, a folder, or when it cannot be told (Windows).</summary>
        public static string? DescribeIfNotRegular(string path)
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return null;
            int mode;
            try
            {
                var bytes = Encoding.UTF8.GetBytes(path + "\0");
                if (Stat(bytes, out var status) != 0) return null;
                mode = status.Mode & TypeMask;
            }
            catch (Exception ex) when (ex is DllNotFoundException || ex is EntryPointNotFoundException)
            {
                // Not on .NET's runtime (or a shim of another shape): the checks after this one still apply.
                return null;
            }
            switch (mode)
            {
                case Regular:
                case Directory:
                    return null;
                case Fifo:
                    return "a FIFO (named pipe)";
                case CharacterDevice:
                    return "a character device";
                case BlockDevice:
                    return "a block device";
                case Socket:
                    return "a socket";
                default:
                    return "a special file";
            }
        }
    }
}
