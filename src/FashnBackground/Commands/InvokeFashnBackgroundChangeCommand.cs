using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Fashn.Client;
using Fashn.Client.Imaging;

namespace FashnBackground.Commands
{
    /// <summary>
    /// Replaces the background of images: one prediction per input file or URL, run concurrently within the
    /// service's limits; with -Wait each result is written as soon as it completes.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "FashnBackgroundChange", DefaultParameterSetName = PathSet)]
    [OutputType(typeof(FashnPrediction))]
    public sealed class InvokeFashnBackgroundChangeCommand : FashnApiCmdletBase
    {
        private const string PathSet = "Path";
        private const string LiteralPathSet = "LiteralPath";
        private const string UriSet = "Uri";
        private const int ProgressActivityId = 4242;
        public const int MaxPromptLength = 2000;

        private readonly List<Task> _work = new List<Task>();
        private readonly Dictionary<string, string> _inFlight = new Dictionary<string, string>();
        private readonly object _inFlightGate = new object();
        private PredictionRunner? _runner;
        private string? _apiBaseUri;
        private System.Uri? _baseUri;
        private ImagePreparationOptions? _preparation;
        private ErrorRecord? _batchStoppedBy;
        private bool _inFlightReported;
        private int _received;
        private int _finished;
        private int _failed;
        private readonly Stopwatch _sinceProgress = Stopwatch.StartNew();

        /// <summary>Image files; wildcards are expanded.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[]? Path { get; set; }

        /// <summary>Image files, taken literally (no wildcards); bound from FullName or PSPath of piped file objects.</summary>
        [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
        [Alias("PSPath", "FullName", "LP")]
        [ValidateNotNullOrEmpty]
        public string[]? LiteralPath { get; set; }

        /// <summary>Public image URLs or data URIs (data:image/jpeg;base64,...).</summary>
        [Parameter(Mandatory = true, ParameterSetName = UriSet, ValueFromPipelineByPropertyName = true)]
        [Alias("Url")]
        [ValidateNotNullOrEmpty]
        public string[]? Uri { get; set; }

        /// <summary>The new background, described in words ("studio", "beach sunset").</summary>
        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        public string Prompt { get; set; } = "";

        /// <summary>0 to 4294967295; the same inputs and seed give the same result. The service's default is 42.</summary>
        [Parameter]
        [ValidateRange(0L, 4294967295L)]
        public long? Seed { get; set; }

        [Parameter]
        [ValidateSet("png", "jpeg")]
        public string? OutputFormat { get; set; }

        /// <summary>Outputs as data URIs instead of CDN URLs (kept 60 minutes by FASHN, not stored on its CDN).</summary>
        [Parameter]
        public SwitchParameter ReturnBase64 { get; set; }

        /// <summary>FASHN POSTs the final status here.</summary>
        [Parameter]
        public System.Uri? WebhookUrl { get; set; }

        /// <summary>The model; FASHN marks background-change deprecated in favour of edit, which takes the same inputs.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ModelNameCompleter))]
        public string ModelName { get; set; } = RunRequest.BackgroundChangeModel;

        /// <summary>Wait for each prediction to finish and write it when it does.</summary>
        [Parameter]
        public SwitchParameter Wait { get; set; }

        /// <summary>With -Wait: how long to wait for each prediction after it was submitted.</summary>
        [Parameter]
        [ValidateRange(1, 86400)]
        public int TimeoutSec { get; set; } = 300;

        /// <summary>Predictions of this command running at once; the service allows 6 per key.</summary>
        [Parameter]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = 6;

        /// <summary>Send files as they are, without scaling large images down first.</summary>
        [Parameter]
        public SwitchParameter NoResize { get; set; }

        /// <summary>
        /// The journal of started predictions, so that running the same batch again collects them instead of paying
        /// twice. Default: a per-user journal (LocalApplicationData/FashnBackground/journal.jsonl).
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? JournalPath { get; set; }

        /// <summary>Do not record or reuse started predictions: every input is submitted.</summary>
        [Parameter]
        public SwitchParameter NoJournal { get; set; }

        protected override void BeginProcessing()
        {
            if (string.IsNullOrWhiteSpace(Prompt))
            {
                ThrowTerminatingError(new ErrorRecord(
                    new FashnException(FashnErrorCodes.InvalidArgument, "The prompt is blank. Describe the new background, for example -Prompt 'studio'."),
                    "Fashn." + FashnErrorCodes.InvalidArgument, ErrorCategory.InvalidArgument, Prompt));
            }
            if (Prompt.Length > MaxPromptLength)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new FashnException(FashnErrorCodes.InvalidArgument,
                        $"The prompt has {Prompt.Length} characters; at most {MaxPromptLength} are accepted. Describe the background in a sentence or two."),
                    "Fashn." + FashnErrorCodes.InvalidArgument, ErrorCategory.InvalidArgument, null));
            }
            if (WebhookUrl != null && (!WebhookUrl.IsAbsoluteUri || (WebhookUrl.Scheme != System.Uri.UriSchemeHttps && WebhookUrl.Scheme != System.Uri.UriSchemeHttp)))
            {
                ThrowTerminatingError(new ErrorRecord(
                    new FashnException(FashnErrorCodes.InvalidArgument, $"The webhook URL '{WebhookUrl}' must be an absolute http(s) URL."),
                    "Fashn." + FashnErrorCodes.InvalidArgument, ErrorCategory.InvalidArgument, WebhookUrl));
            }
            var options = CreateClientOptions();
            _apiBaseUri = options.BaseUri.AbsoluteUri;
            var client = new FashnApiClient(options);
            _runner = new PredictionRunner(client, ThrottleLimit)
            {
                StatusChanged = outcome =>
                {
                    // Tracked on the worker thread at once, so that a stop right now still knows every running id.
                    TrackInFlight(outcome);
                    Post(WriteBatchProgress);
                },
                Journal = NoJournal.IsPresent ? null : OpenJournal(),
            };
            _baseUri = options.BaseUri;
            _preparation = new ImagePreparationOptions { Resize = !NoResize.IsPresent };
        }

        protected override void ProcessRecord()
        {
            try
            {
                RunPending();
            }
            catch (PipelineStoppedException)
            {
                ReportInFlight();
                throw;
            }
            if (_batchStoppedBy != null) return;
            switch (ParameterSetName)
            {
                case PathSet:
                    foreach (var path in Path!) StartFiles(ResolveWildcardPath(path));
                    break;
                case LiteralPathSet:
                    foreach (var path in LiteralPath!) StartFiles(ResolveLiteralPath(path));
                    break;
                case UriSet:
                    foreach (var reference in Uri!) StartReference(reference);
                    break;
            }
        }

        protected override void EndProcessing()
        {
            bool completed;
            try
            {
                completed = RunPendingUntilDone(_work, TimeSpan.FromMilliseconds(200), WriteBatchProgress);
            }
            catch (PipelineStoppedException)
            {
                ReportInFlight();
                throw;
            }
            if (_batchStoppedBy != null)
            {
                // The rest was stopped by this command, not by Ctrl+C: write what finished, then stop with the reason.
                if (!completed) WaitForCancelledWork(_work);
                ReportInFlight();
                ThrowTerminatingError(_batchStoppedBy);
            }
            if (!completed)
            {
                ReportInFlight();
                throw new PipelineStoppedException();
            }
            if (Wait.IsPresent)
            {
                WriteProgress(new ProgressRecord(ProgressActivityId, "Changing backgrounds with FASHN", "Done") { RecordType = ProgressRecordType.Completed });
            }
        }

        private PredictionJournal? OpenJournal()
        {
            var path = JournalPath != null ? SessionState.Path.GetUnresolvedProviderPathFromPSPath(JournalPath) : PredictionJournal.DefaultPath;
            try
            {
                return PredictionJournal.OpenShared(path);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                ThrowTerminatingError(new ErrorRecord(new FashnException(FashnErrorCodes.InputNotReadable,
                        $"The journal '{path}' cannot be opened: {ex.Message} Give another -JournalPath, or -NoJournal.", innerException: ex),
                    "Fashn.JournalNotOpened", ErrorCategory.OpenError, path));
                return null;
            }
        }

        private Task<string> JournalKeyForFile(string path, CancellationToken cancellationToken) => Task.Run(() =>
        {
            try
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920);
                return PredictionJournal.CreateKey(stream, Prompt, Seed, OutputFormat, ModelName, ReturnBase64.IsPresent, _baseUri!);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw new FashnException(FashnErrorCodes.InputNotReadable, $"Cannot read '{path}': {ex.Message}", innerException: ex);
            }
        }, cancellationToken);

        private IEnumerable<(string path, object target)> ResolveWildcardPath(string path)
        {
            Collection<string> resolved;
            ProviderInfo provider;
            try
            {
                resolved = GetResolvedProviderPathFromPSPath(path, out provider);
            }
            catch (ItemNotFoundException)
            {
                WriteError(NotFound(path));
                yield break;
            }
            catch (Exception ex) when (ex is ProviderNotFoundException || ex is System.Management.Automation.DriveNotFoundException || ex is ArgumentException || ex is NotSupportedException)
            {
                WriteError(NotReadable(path, ex.Message));
                yield break;
            }
            if (provider.Name != "FileSystem")
            {
                WriteError(NotReadable(path, $"'{path}' is not a file system path."));
                yield break;
            }
            if (resolved.Count == 0)
            {
                WriteError(NotFound(path));
                yield break;
            }
            foreach (var item in resolved) yield return (item, item);
        }

        private IEnumerable<(string path, object target)> ResolveLiteralPath(string path)
        {
            string resolved;
            try
            {
                resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out var provider, out _);
                if (provider.Name != "FileSystem")
                {
                    WriteError(NotReadable(path, $"'{path}' is not a file system path."));
                    yield break;
                }
            }
            catch (Exception ex) when (ex is ProviderNotFoundException || ex is System.Management.Automation.DriveNotFoundException || ex is ArgumentException || ex is NotSupportedException || ex is ItemNotFoundException)
            {
                WriteError(NotReadable(path, ex.Message));
                yield break;
            }
            yield return (resolved, resolved);
        }

        private void StartFiles(IEnumerable<(string path, object target)> files)
        {
            foreach (var (path, target) in files)
            {
                _received++;
                if (Directory.Exists(path))
                {
                    WriteError(FashnCmdletBase.CreateErrorRecord(new FashnException(FashnErrorCodes.InputNotReadable,
                        $"'{path}' is a folder, not an image file. Pipe the files in it instead, for example Get-ChildItem '{path}' -File | Invoke-FashnBackgroundChange."), target));
                    _failed++;
                    _finished++;
                    continue;
                }
                if (!File.Exists(path))
                {
                    WriteError(NotFound(path, target));
                    _failed++;
                    _finished++;
                    continue;
                }
                var preparation = _preparation!;
                Start(path, target, cancellationToken => Task.Run(() =>
                {
                    var (image, sent) = ImageInputs.FromFile(path, preparation, cancellationToken);
                    return CreateRequest(image, sent);
                }, cancellationToken), cancellationToken => JournalKeyForFile(path, cancellationToken));
            }
        }

        private void StartReference(string reference)
        {
            _received++;
            string image;
            try
            {
                image = ImageInputs.ValidateReference(reference);
            }
            catch (FashnException ex)
            {
                WriteError(FashnCmdletBase.CreateErrorRecord(ex, reference.Length > 200 ? reference.Substring(0, 200) + "..." : reference));
                _failed++;
                _finished++;
                return;
            }
            var source = image.StartsWith("data:", StringComparison.OrdinalIgnoreCase) ? "data URI" : image;
            Start(source, reference, _ => Task.FromResult(CreateRequest(image, null)),
                _ => Task.FromResult(PredictionJournal.CreateKey(image, Prompt, Seed, OutputFormat, ModelName, ReturnBase64.IsPresent, _baseUri!)));
        }

        private RunRequest CreateRequest(string image, SentImageInfo? sent) => new RunRequest(image, Prompt)
        {
            ModelName = ModelName,
            Seed = Seed,
            OutputFormat = OutputFormat,
            ReturnBase64 = ReturnBase64.IsPresent,
            WebhookUrl = WebhookUrl,
            SentImage = sent,
        };

        private void Start(string source, object target, Func<CancellationToken, Task<RunRequest>> createRequest,
            Func<CancellationToken, Task<string>> createJournalKey)
        {
            var job = new PredictionJob(source, createRequest, createJournalKey);
            var timeout = TimeSpan.FromSeconds(TimeoutSec);
            var task = _runner!.RunAsync(job, Wait.IsPresent, timeout, StopToken).ContinueWith(
                finished => Post(() => Complete(source, target, finished)), TaskScheduler.Default);
            _work.Add(task);
        }

        private void Complete(string source, object target, Task<PredictionOutcome> finished)
        {
            if (finished.IsCanceled) return;
            lock (_inFlightGate) _inFlight.Remove(source);
            _finished++;
            if (finished.IsFaulted)
            {
                _failed++;
                var error = finished.Exception!.GetBaseException();
                WriteError(new ErrorRecord(error, "Fashn.UnexpectedError", ErrorCategory.NotSpecified, target));
                return;
            }
            var outcome = finished.Result;
            if (outcome.Failure != null)
            {
                _failed++;
                var record = FashnCmdletBase.CreateErrorRecord(outcome.Failure, target);
                if (outcome.StopsBatch)
                {
                    // Nothing more can succeed: stop the rest and end with this error. Out of credits, the predictions
                    // already running are paid for, so they are still collected; with a refused key nothing can be.
                    if (_batchStoppedBy == null)
                    {
                        _batchStoppedBy = record;
                        if (outcome.Failure.ErrorCode == "OutOfCredits") _runner!.StopSubmitting();
                        else CancelWork();
                    }
                    return;
                }
                WriteError(record);
                return;
            }
            var prediction = ToPrediction(outcome);
            PredictionHistory.Remember(prediction);
            WriteObject(prediction);
        }

        private FashnPrediction ToPrediction(PredictionOutcome outcome)
        {
            var prediction = new FashnPrediction
            {
                Source = outcome.Source,
                Prompt = Prompt,
                Seed = Seed,
                OutputFormat = OutputFormat ?? "png",
                ModelName = ModelName,
                Attempts = outcome.Attempts,
                Collected = outcome.Collected,
                SubmittedAt = outcome.SubmittedAt,
                CompletedAt = outcome.FinishedAt,
                Seconds = outcome.SubmittedAt.HasValue && outcome.FinishedAt.HasValue
                    ? Math.Round((outcome.FinishedAt.Value - outcome.SubmittedAt.Value).TotalSeconds, 2)
                    : (double?)null,
                SentWidth = outcome.SentImage?.Width,
                SentHeight = outcome.SentImage?.Height,
                SentBytes = outcome.SentImage?.Bytes,
                OriginalBytes = outcome.SentImage?.OriginalBytes,
                ApiBaseUri = _apiBaseUri,
            };
            if (outcome.Status != null) Apply(prediction, outcome.Status);
            return prediction;
        }

        private void TrackInFlight(PredictionOutcome outcome)
        {
            if (outcome.Id != null && outcome.Status != null && !outcome.Status.IsFinished)
            {
                lock (_inFlightGate) _inFlight[outcome.Source] = outcome.Id;
            }
        }

        private void WriteBatchProgress()
        {
            if (!Wait.IsPresent || _sinceProgress.ElapsedMilliseconds < 250) return;
            _sinceProgress.Restart();
            int running;
            lock (_inFlightGate) running = _inFlight.Count;
            var status = $"{_finished} of {_received} finished, {running} running" + (_failed > 0 ? $", {_failed} failed" : "");
            var percent = _received == 0 ? 0 : Math.Min(100, _finished * 100 / _received);
            WriteProgress(new ProgressRecord(ProgressActivityId, "Changing backgrounds with FASHN", status) { PercentComplete = percent });
        }

        /// <summary>After Ctrl+C: the predictions still running at FASHN, so they can be collected rather than paid again.</summary>
        private void ReportInFlight()
        {
            if (_inFlightReported) return;
            _inFlightReported = true;
            List<KeyValuePair<string, string>> running;
            lock (_inFlightGate) running = _inFlight.ToList();
            if (running.Count == 0) return;
            var lines = string.Join(Environment.NewLine, running.Select(p => $"  {p.Value}  {p.Key}"));
            var message = $"Stopped with {running.Count} prediction(s) still running at FASHN. Collect them with " +
                          $"Get-FashnPrediction -Id <id> -Wait | Save-FashnOutput:{Environment.NewLine}{lines}";
            // A stopped pipeline takes no more records, so after Ctrl+C the warning goes straight to the console.
            if (StopToken.IsCancellationRequested && _batchStoppedBy == null)
            {
                Host?.UI?.WriteWarningLine(message);
                return;
            }
            WriteWarning(message);
        }

        private static ErrorRecord NotFound(string path, object? target = null) =>
            new ErrorRecord(new FashnException(FashnErrorCodes.InputNotReadable,
                    $"Cannot find the file '{path}'. Check the path; for names with [ ] or * use -LiteralPath."),
                "Fashn." + FashnErrorCodes.InputNotReadable, ErrorCategory.ObjectNotFound, target ?? path);

        private static ErrorRecord NotReadable(string path, string reason) =>
            FashnCmdletBase.CreateErrorRecord(new FashnException(FashnErrorCodes.InputNotReadable, $"Cannot read '{path}': {reason}"), path);
    }
}
