using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;

namespace Fashn.Client.ContactSheet
{
    /// <summary>
    /// A link from the page to a file, relative to the page's folder ("thumbnails/a.jpg", "../photos/a.jpg"), so the
    /// page works wherever its folder is opened or copied. Each segment is percent-encoded: a file named
    /// "a#1 b.png" must not turn into a fragment or break the link.
    /// </summary>
    public static class RelativeLink
    {
        private static readonly char[] Separators = { Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar };

        private static StringComparison PathComparison =>
            RuntimeInformation.IsOSPlatform(OSPlatform.Windows) || RuntimeInformation.IsOSPlatform(OSPlatform.OSX)
                ? StringComparison.OrdinalIgnoreCase
                : StringComparison.Ordinal;

        /// <summary>The href for <paramref name="file"/> from a page in <paramref name="pageFolder"/> (both full paths).</summary>
        public static string From(string pageFolder, string file)
        {
            var pageFull = Path.GetFullPath(pageFolder);
            var fileFull = Path.GetFullPath(file);
            // Windows: another drive has no relative path; the file URI is the only link that works (not from a copy).
            if (!string.Equals(Path.GetPathRoot(pageFull), Path.GetPathRoot(fileFull), PathComparison))
            {
                return new Uri(fileFull).AbsoluteUri;
            }
            var from = Split(pageFull.Substring(Path.GetPathRoot(pageFull)!.Length));
            var to = Split(fileFull.Substring(Path.GetPathRoot(fileFull)!.Length));
            var common = 0;
            while (common < from.Length && common < to.Length - 1 && string.Equals(from[common], to[common], PathComparison)) common++;
            var link = new StringBuilder();
            for (var i = common; i < from.Length; i++) link.Append("../");
            link.Append(string.Join("/", to.Skip(common).Select(Uri.EscapeDataString)));
            return link.ToString();
        }

        private static string[] Split(string fullPath) =>
            fullPath.Split(Separators, StringSplitOptions.RemoveEmptyEntries);
    }
}
