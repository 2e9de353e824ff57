using System;

namespace Fashn.Client
{
    /// <summary>Checks an image given by reference (an http(s) URL or a data URI) before it is sent.</summary>
    public static class ImageReference
    {
        /// <summary>The largest data URI the module passes on (FASHN names oversized payloads as its most common 500).</summary>
        public const int MaxDataUriLength = 64 * 1024 * 1024;

        private static readonly string[] DataUriImageTypes = { "jpeg", "jpg", "png", "webp" };

        /// <summary>Checks an http(s) URL or a data URI and returns it unchanged.</summary>
        public static string Validate(string reference)
        {
            if (string.IsNullOrWhiteSpace(reference))
            {
                throw new FashnException(FashnErrorCodes.InvalidArgument, "The image reference is empty. Give an https URL, a data URI, or a file with -Path.");
            }
            var text = reference.Trim();
            if (text.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
            {
                ValidateDataUri(text);
                return text;
            }
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) && uri.Host.Length > 0)
            {
                return uri.AbsoluteUri;
            }
            if (text.Length >= 8 && IsBase64(text))
            {
                throw new FashnException(FashnErrorCodes.InvalidArgument,
                    "This looks like base64 image data without the data URI prefix. Put 'data:image/jpeg;base64,' (or image/png, image/webp) in front of it.");
            }
            throw new FashnException(FashnErrorCodes.InvalidArgument,
                $"'{Shorten(text)}' is neither an http(s) URL nor a data URI (data:image/png;base64,...). For a local file use -Path or -LiteralPath.");
        }

        private static void ValidateDataUri(string text)
        {
            if (text.Length > MaxDataUriLength)
            {
                throw new FashnException(FashnErrorCodes.InvalidArgument,
                    $"The data URI is {text.Length / (1024 * 1024)} MiB, more than the {MaxDataUriLength / (1024 * 1024)} MiB allowed. Pass the image as a file with -Path, which scales it down first.");
            }
            var comma = text.IndexOf(',');
            var header = comma > 0 ? text.Substring(0, comma) : text;
            const string prefix = "data:image/";
            string? type = null;
            if (header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && header.EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
            {
                type = header.Substring(prefix.Length, header.Length - prefix.Length - ";base64".Length).ToLowerInvariant();
            }
            if (comma < 0 || type == null)
            {
                throw new FashnException(FashnErrorCodes.InvalidArgument,
                    "The data URI must start with 'data:image/<format>;base64,' followed by the data, for example data:image/jpeg;base64,/9j/...");
            }
            if (Array.IndexOf(DataUriImageTypes, type) < 0)
            {
                throw new FashnException(FashnErrorCodes.InvalidArgument, $"The data URI's type image/{type} is not supported. Use image/jpeg, image/png or image/webp.");
            }
            var data = text.Substring(comma + 1);
            if (data.Length == 0 || data.Length % 4 != 0 || !IsBase64(data))
            {
                throw new FashnException(FashnErrorCodes.InvalidArgument,
                    "The data URI's base64 data is broken (wrong characters or length). Encode the file again, or pass it with -Path.");
            }
        }

        private static bool IsBase64(string data)
        {
            var padding = 0;
            for (var i = 0; i < data.Length; i++)
            {
                var c = data[i];
                if (c == '=')
                {
                    padding++;
                    if (i < data.Length - 2) return false;
                    continue;
                }
                if (padding > 0) return false;
                if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/')) return false;
            }
            return padding <= 2;
        }

        private static string Shorten(string text) => text.Length <= 80 ? text : text.Substring(0, 77) + "...";
    }
}
