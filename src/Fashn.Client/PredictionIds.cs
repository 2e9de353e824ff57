namespace Fashn.Client
{
    /// <summary>
    /// The check of a prediction id before it goes into a URL or a message: FASHN's ids are short runs of letters,
    /// digits and '-' (such as 123a87r9-4129-4bb3-be18-9c9fb5bd7fc1-u1). Anything else ("..", a path, 100,000
    /// characters) cannot be one, and would ask for another path or fill the console.
    /// </summary>
    public static class PredictionIds
    {
        public const int MaxLength = 128;

        /// <summary>The id, or an InvalidArgument error that shows at most its start.</summary>
        public static string Require(string? id)
        {
            var text = (id ?? "").Trim();
            if (text.Length == 0)
            {
                throw new FashnException(FashnErrorCodes.InvalidArgument, "A prediction id is required, such as the Id of Invoke-FashnBackgroundChange's output.");
            }
            if (!IsUsable(text))
            {
                throw new FashnException(FashnErrorCodes.InvalidArgument,
                    $"'{Shorten(text)}' ({text.Length} characters) is not a prediction id: ids are up to {MaxLength} letters, digits, '-' and '_'. " +
                    "Nothing was sent. Pass the Id of a prediction (Get-FashnPrediction -Id <Tab> completes the ones of this session).");
            }
            return text;
        }

        /// <summary>True for up to <see cref="MaxLength"/> letters, digits, '-' and '_'.</summary>
        public static bool IsUsable(string id)
        {
            if (id.Length == 0 || id.Length > MaxLength) return false;
            foreach (var c in id)
            {
                if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_')) return false;
            }
            return true;
        }

        /// <summary>At most 40 characters of an id, for a message.</summary>
        public static string Shorten(string id) => id.Length <= 40 ? id : id.Substring(0, 37) + "...";
    }
}
