using System.IO;

namespace OmiseLinks.QRCodes
{
    /// <summary>
    /// Writes a file without ever following a symbolic link at its name. Opening an existing name for writing
    /// (FileMode.Create) follows a link planted there and writes wherever it points, outside the folder. Instead an
    /// overwrite removes the entry itself (a link is removed, never its target; a hard link only loses this name) and
    /// creates a new file with CreateNew, which fails rather than follow a link planted again in between
    /// (O_CREAT|O_EXCL on Unix, CREATE_NEW on Windows).
    /// </summary>
    internal static class NoFollowFile
    {
        /// <summary>
        /// True when the name is taken by anything: a file, a folder, or a symbolic link, even one whose target is
        /// missing (File.Exists answers for the link itself on .NET and on .NET Framework).
        /// </summary>
        public static bool Exists(string path) => File.Exists(path) || Directory.Exists(path);

        /// <summary>
        /// Writes <paramref name="bytes"/> to a new file at <paramref name="path"/>. Without <paramref name="overwrite"/>
        /// a taken name is an IOException and nothing changes; with it, a file or link there is replaced (a folder is not).
        /// </summary>
        public static void Write(string path, byte[] bytes, bool overwrite)
        {
            if (overwrite && File.Exists(path)) File.Delete(path);
            using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                stream.Write(bytes, 0, bytes.Length);
        }
    }
}
