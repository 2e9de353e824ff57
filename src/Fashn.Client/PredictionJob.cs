using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Fashn.Client.Imaging;

namespace Fashn.Client
{
    /// <summary>
    /// One input to turn into a prediction: a local file or a reference (URL, data URI), with its settings. Made
    /// only after its input passed the checks; the image is read and prepared only when the input's turn comes.
    /// </summary>
    public sealed class PredictionJob
    {
        private readonly Func<CancellationToken, Task<RunRequest>> _createRequest;
        private readonly Func<Uri, CancellationToken, Task<string>> _createJournalKey;

        private PredictionJob(string source, PredictionSettings settings, Func<CancellationToken, Task<RunRequest>> createRequest,
            Func<Uri, CancellationToken, Task<string>> createJournalKey)
        {
            Source = source;
            Settings = settings;
            _createRequest = createRequest;
            _createJournalKey = createJournalKey;
        }

        /// <summary>The file path or URL ("data URI" for one), for results and messages.</summary>
        public string Source { get; }

        public PredictionSettings Settings { get; }

        /// <summary>A local image file; a folder or a missing file is refused here (<see cref="ImageFiles.RequireFile"/>).</summary>
        public static PredictionJob FromFile(string path, PredictionSettings settings, ImagePreparationOptions preparation)
        {
            if (settings == null) throw new ArgumentNullException(nameof(settings));
            if (preparation == null) throw new ArgumentNullException(nameof(preparation));
            ImageFiles.RequireFile(path);
            return new PredictionJob(path, settings,
                cancellationToken => Task.Run(() =>
                {
                    var (image, sent) = PrepareUpload(path, preparation, cancellationToken);
                    return settings.CreateRequest(image, sent);
                }, cancellationToken),
                (baseUri, cancellationToken) => Task.Run(() => FileJournalKey(path, settings, baseUri), cancellationToken));
        }

        /// <summary>An image by reference; a malformed URL or data URI is refused here (<see cref="ImageReference.Validate"/>).</summary>
        public static PredictionJob FromReference(string reference, PredictionSettings settings)
        {
            if (settings == null) throw new ArgumentNullException(nameof(settings));
            var image = ImageReference.Validate(reference);
            var source = image.StartsWith("data:", StringComparison.OrdinalIgnoreCase) ? "data URI" : image;
            return new PredictionJob(source, settings,
                _ => Task.FromResult(settings.CreateRequest(image, null)),
                (baseUri, _) => Task.FromResult(PredictionJournal.CreateKey(image, settings, baseUri)));
        }

        /// <summary>The run request, its image read and prepared now.</summary>
        internal Task<RunRequest> CreateRequestAsync(CancellationToken cancellationToken) => _createRequest(cancellationToken);

        /// <summary>Identifies the input and its settings at <paramref name="baseUri"/> in the journal.</summary>
        internal Task<string> CreateJournalKeyAsync(Uri baseUri, CancellationToken cancellationToken) => _createJournalKey(baseUri, cancellationToken);

        /// <summary>
        /// Reads and prepares the file (see <see cref="ImagePreparer"/>): its type comes from its bytes, and a file that
        /// is not a usable image is refused before anything is uploaded.
        /// </summary>
        private static (string image, SentImageInfo sent) PrepareUpload(string path, ImagePreparationOptions options, CancellationToken cancellationToken)
        {
            var prepared = ImagePreparer.Prepare(path, options, cancellationToken);
            var encodedLength = (prepared.Bytes.LongLength + 2) / 3 * 4;
            if (encodedLength > ImageReference.MaxDataUriLength)
            {
                // Only with -NoResize is leaving it out the remedy; otherwise the image was small enough in pixels to be
                // sent unchanged, and it is its bytes (metadata, an uncompressed encoding) that are too many.
                var remedy = options.Resize
                    ? $"It has only {prepared.Width}x{prepared.Height} pixels, so it is sent unchanged; save it again as a JPEG (or without its metadata) to make it smaller."
                    : "Leave out -NoResize to send it scaled down.";
                throw new FashnException(FashnErrorCodes.InvalidInputImage,
                    $"'{path}' is {prepared.Bytes.LongLength / (1024.0 * 1024.0):0.#} MiB; sent as it is, its data would exceed the {ImageReference.MaxDataUriLength / (1024 * 1024)} MiB " +
                    "this module uploads (FASHN names oversized uploads as the most common cause of its errors). " + remedy);
            }
            var sent = new SentImageInfo(prepared.MimeType, prepared.Width, prepared.Height, prepared.Bytes.LongLength, prepared.OriginalLength, prepared.Reencoded);
            return (prepared.ToDataUri(), sent);
        }

        private static string FileJournalKey(string path, PredictionSettings settings, Uri baseUri)
        {
            try
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920);
                return PredictionJournal.CreateKey(stream, settings, baseUri);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw new FashnException(FashnErrorCodes.InputNotReadable, $"Cannot read '{path}': {ex.Message}", innerException: ex);
            }
        }
    }
}
