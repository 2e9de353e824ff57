using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Fashn.Client
{
    /// <summary>
    /// The runner's use of the journal, its failures said as what they mean for the input: before the run request a
    /// journal that cannot be read or written stops the input with nothing sent (a prediction the journal cannot
    /// record would be paid for again by a re-run); after it, the error names the prediction to collect.
    /// </summary>
    internal static class JournalAccess
    {
        public static async Task<IDisposable> ClaimAsync(PredictionJournal journal, string key, string source, TimeSpan wait, CancellationToken cancellationToken)
        {
            try
            {
                return await journal.ClaimAsync(key, source, wait, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsFileProblem(ex))
            {
                throw NothingSent(journal, "locked", ex, source);
            }
        }

        public static JournalEntry? Find(PredictionJournal journal, string key, string source)
        {
            try
            {
                return journal.Find(key);
            }
            catch (Exception ex) when (IsFileProblem(ex))
            {
                throw NothingSent(journal, "read", ex, source);
            }
        }

        public static void RequireWritable(PredictionJournal journal, string source)
        {
            try
            {
                journal.CheckWritable();
            }
            catch (Exception ex) when (IsFileProblem(ex))
            {
                throw NothingSent(journal, "written", ex, source);
            }
        }

        public static void RecordSubmitted(PredictionJournal journal, string key, string id, string source)
        {
            try
            {
                journal.RecordSubmitted(key, id, source);
            }
            catch (Exception ex) when (IsFileProblem(ex))
            {
                throw new FashnException(FashnErrorCodes.JournalNotWritten,
                    $"Prediction {id} was started for '{source}', but the journal '{journal.Path}' could not record it: {ex.Message} " +
                    $"A re-run would not know it and would pay again: collect it with Get-FashnPrediction -Id {id} -Wait | Save-FashnOutput, " +
                    "and fix the journal or give another -JournalPath.", predictionId: id, innerException: ex);
            }
        }

        public static void RecordFinished(PredictionJournal journal, string key, string id, string source, string status, DateTimeOffset submittedAt)
        {
            try
            {
                journal.RecordFinished(key, id, source, status, submittedAt);
            }
            catch (Exception ex) when (IsFileProblem(ex))
            {
                // Nothing is lost: the result is handed on all the same, and the line written when it was started
                // lets a re-run collect it.
            }
        }

        private static FashnException NothingSent(PredictionJournal journal, string verb, Exception ex, string source) =>
            new FashnException(FashnErrorCodes.JournalNotOpened,
                $"The journal '{journal.Path}' cannot be {verb}: {ex.Message} Nothing was sent for '{source}': a prediction the journal " +
                "cannot record would be paid for again by a re-run. Fix the journal (a full disk, its permissions), or give another -JournalPath, or -NoJournal.",
                innerException: ex);

        private static bool IsFileProblem(Exception ex) => ex is IOException || ex is UnauthorizedAccessException;
    }
}
