using System.IO;

namespace Fashn.Client.Imaging
{
    /// <summary>The one check that a local input names a file, made before anything of it is read.</summary>
    public static class ImageFiles
    {
        /// <summary>Refuses a blank path, a folder, a path where nothing is, and a FIFO or device, each with what to do instead.</summary>
        public static void RequireFile(string path)
        {
            if (string.IsNullOrWhiteSpace(path))
            {
                throw new FashnException(FashnErrorCodes.InputNotReadable, "No image file was given. Give the path of a JPEG, PNG or WebP file.");
            }
            if (Directory.Exists(path))
            {
                throw new FashnException(FashnErrorCodes.InputNotReadable,
                    $"'{path}' is a folder, not an image file. Pipe the files in it instead, for example Get-ChildItem '{path}' -File | Invoke-FashnBackgroundChange.");
            }
            if (!File.Exists(path))
            {
                throw new FashnException(FashnErrorCodes.InputNotReadable,
                    $"Cannot find the file '{path}': it does not exist. Check the path; for names with [ ] or * use -LiteralPath.",
                    category: FashnErrorCategory.ObjectNotFound);
            }
            if (FileKind.DescribeIfNotRegular(path) is string kind)
            {
                throw new FashnException(FashnErrorCodes.InputNotReadable,
                    $"'{path}' is {kind}, not a regular file, so it was not read (it could wait or run for ever). Give the path of a JPEG, PNG or WebP file.");
            }
        }
    }
}
