using System;
using System.Threading;
using System.Threading.Tasks;

namespace Fashn.Client
{
    /// <summary>One input to turn into a prediction. The request is built only when the input's turn comes.</summary>
    public sealed class PredictionJob
    {
        public PredictionJob(string source, Func<CancellationToken, Task<RunRequest>> createRequest,
            Func<CancellationToken, Task<string>>? createJournalKey = null)
        {
            Source = source;
            CreateRequest = createRequest;
            CreateJournalKey = createJournalKey;
        }

        /// <summary>The file path or URL, for results and messages.</summary>
        public string Source { get; }

        public Func<CancellationToken, Task<RunRequest>> CreateRequest { get; }

        /// <summary>Identifies the input and its settings in the journal (see <see cref="PredictionJournal.CreateKey(System.IO.Stream, string, long?, string?, string, bool, Uri)"/>).</summary>
        public Func<CancellationToken, Task<string>>? CreateJournalKey { get; }
    }
}
