using System;
using System.Collections.Generic;

namespace Fashn.Client
{
    /// <summary>What became of one input: exactly one of a finished (or submitted) prediction or a failure.</summary>
    public sealed class PredictionOutcome
    {
        internal PredictionOutcome(string source, PredictionSettings settings)
        {
            Source = source;
            Settings = settings;
        }

        public string Source { get; }

        /// <summary>What the prediction was asked for.</summary>
        public PredictionSettings Settings { get; }

        /// <summary>The id of the last prediction made for this input.</summary>
        public string? Id { get; internal set; }

        /// <summary>The last status seen ("starting" when not waited for).</summary>
        public PredictionStatus? Status { get; internal set; }

        /// <summary>Predictions submitted for this input: more than one when a retryable failure was retried.</summary>
        public int Attempts { get; internal set; }

        /// <summary>The ids of earlier attempts that failed with a retryable error (not billed).</summary>
        public IList<string> RetriedIds { get; } = new List<string>();

        public DateTimeOffset? SubmittedAt { get; internal set; }

        public DateTimeOffset? FinishedAt { get; internal set; }

        /// <summary>What was uploaded, when the input was a local file.</summary>
        public SentImageInfo? SentImage { get; internal set; }

        /// <summary>True when the prediction was started by an earlier run (found in the journal) and collected, not paid again.</summary>
        public bool Collected { get; internal set; }

        /// <summary>Why this input has no usable result; null when it completed (or was submitted without waiting).</summary>
        public FashnException? Failure { get; internal set; }

        /// <summary>What the failure means for the rest of the batch (no credits, key refused).</summary>
        public BatchStop BatchStop => Failure?.BatchStop ?? BatchStop.None;
    }

    /// <summary>Details of an uploaded image.</summary>
    public sealed class SentImageInfo
    {
        public SentImageInfo(string mimeType, int width, int height, long bytes, long originalBytes, bool reencoded)
        {
            MimeType = mimeType;
            Width = width;
            Height = height;
            Bytes = bytes;
            OriginalBytes = originalBytes;
            Reencoded = reencoded;
        }

        public string MimeType { get; }
        public int Width { get; }
        public int Height { get; }
        public long Bytes { get; }
        public long OriginalBytes { get; }
        public bool Reencoded { get; }
    }
}
