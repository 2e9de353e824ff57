using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using Fashn.Client;
using Fashn.Client.Imaging;

namespace FashnBackground.Commands
{
    /// <summary>
    /// Replaces the background of images: one prediction per input file or URL, run concurrently within the
    /// service's limits; with -Wait each result is written as soon as it completes.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "FashnBackgroundChange", DefaultParameterSetName = PathSet, SupportsShouldProcess = true)]
    [OutputType(typeof(FashnPrediction))]
    public sealed class InvokeFashnBackgroundChangeCommand : FashnApiCmdletBase
    {
        private const string PathSet = "Path";
        private const string LiteralPathSet = "LiteralPath";
        private const string UriSet = "Uri";
        private const int ProgressActivityId = 4242;

        private readonly List<Task> _work = new List<Task>();
        private PredictionRunner? _runner;
        private string? _apiBaseUri;
        private ImagePreparationOptions? _preparation;
        private ContextImage? _imageContext;
        private ErrorRecord? _batchStoppedBy;
        private bool _promptOnCommandLine;
        private bool _inFlightReported;
        private int _received;
        private int _finished;
        private int _failed;
        private readonly Stopwatch _sinceProgress = Stopwatch.StartNew();

        /// <summary>Image files; wildcards are expanded. Bound from piped strings and from the Path property of piped objects (a CSV column).</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
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

        /// <summary>
        /// The new background, described in words ("studio", "beach sunset"); or the Prompt property of each piped
        /// object (a CSV column). Not mandatory for the engine: a piped object without a prompt is an error for that
        /// object alone, where a mandatory parameter would prompt interactively or fail the object's binding.
        /// </summary>
        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        public string? Prompt { get; set; }

        /// <summary>0 to 4294967295; the same inputs and seed give the same result. The service's default is 42. May come from piped objects, as text.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [SeedTransformation]
        public long? Seed { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [OutputFormatTransformation]
        [ValidateSet("png", "jpeg")]
        public string? OutputFormat { get; set; }

        /// <summary>Outputs as data URIs instead of CDN URLs (kept 60 minutes by FASHN, not stored on its CDN).</summary>
        [Parameter]
        public SwitchParameter ReturnBase64 { get; set; }

        /// <summary>FASHN POSTs the final status here.</summary>
        [Parameter]
        public System.Uri? WebhookUrl { get; set; }

        /// <summary>The model; FASHN marks background-change deprecated in favour of edit, which takes the same inputs and -ImageContext, -Resolution, -GenerationMode and -NumImages.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ModelNameCompleter))]
        public string ModelName { get; set; } = RunRequest.BackgroundChangeModel;

        /// <summary>edit: a reference image (the background to use, a pose, a texture) as a file, a URL or a data URI; a file is prepared like the image.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ImageContext { get; set; }

        /// <summary>edit: the output's resolution, 1k (about 1 MP, the service's default), 2k (4 MP) or 4k (16 MP); local images are sent at that size.</summary>
        [Parameter]
        [ValidateSet(EditModel.Resolution1K, EditModel.Resolution2K, EditModel.Resolution4K)]
        public string? Resolution { get; set; }

        /// <summary>edit: fast, balanced or quality (slower, more credits).</summary>
        [Parameter]
        [ValidateSet(EditModel.Fast, EditModel.Balanced, EditModel.Quality)]
        public string? GenerationMode { get; set; }

        /// <summary>edit: how many outputs the one prediction makes; each output image is billed.</summary>
        [Parameter]
        [ValidateRange(1, EditModel.MaxNumImages)]
        public int? NumImages { get; set; }

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
            // The imaging library loads while the command sets up: the first photo is read sooner.
            ImagePreparer.WarmUpInBackground();
            // A prompt on the command line is checked once, here; one from piped objects is checked per object.
            _promptOnCommandLine = MyInvocation.BoundParameters.ContainsKey(nameof(Prompt));
            var promptProblem = _promptOnCommandLine ? PromptCheck.CommandLineProblem(Prompt)
                : MyInvocation.ExpectingInput ? null
                : "No prompt was given. Describe the new background with -Prompt, for example -Prompt 'studio', or pipe in objects with a Prompt property, such as Import-Csv rows.";
            if (promptProblem != null) ThrowTerminatingError(FashnErrorRecords.InvalidArgument(promptProblem, Prompt is { Length: <= 200 } ? Prompt : null));
            if (WebhookUrl != null && (!WebhookUrl.IsAbsoluteUri || (WebhookUrl.Scheme != System.Uri.UriSchemeHttps && WebhookUrl.Scheme != System.Uri.UriSchemeHttp)))
            {
                ThrowTerminatingError(FashnErrorRecords.InvalidArgument($"The webhook URL '{WebhookUrl}' must be an absolute http(s) URL.", WebhookUrl));
            }
            ModelName = EditModel.AsFashnSpellsIt(ModelName, EditModel.KnownModels)!;
            Resolution = EditModel.AsFashnSpellsIt(Resolution, EditModel.Resolutions);
            GenerationMode = EditModel.AsFashnSpellsIt(GenerationMode, EditModel.GenerationModes);
            var editProblem = EditModel.InputsProblem(ModelName, Resolution, GenerationMode, NumImages, ImageContext != null);
            if (editProblem != null) ThrowTerminatingError(FashnErrorRecords.InvalidArgument(editProblem, ModelName));
            _preparation = ResolutionTiers.PreparationFor(Resolution, resize: !NoResize.IsPresent);
            _imageContext = ImageContext == null ? null : OpenImageContext(ImageContext);
            var (client, budget) = Connect();
            _apiBaseUri = client.Options.BaseUri.AbsoluteUri;
            // -WhatIf starts nothing, so it records nothing either: the journal is not even created.
            _runner = new PredictionRunner(client, budget, ThrottleLimit) { Journal = NoJournal.IsPresent || IsWhatIf ? null : OpenJournal() };
        }

        protected override void ProcessRecord()
        {
            try
            {
                WriteQueued();
            }
            catch (PipelineStoppedException)
            {
                ReportInFlight();
                throw;
            }
            WriteBatchProgress();
            if (_batchStoppedBy != null) return;
            var settings = SettingsForThisInput();
            if (settings == null) return;
            switch (ParameterSetName)
            {
                case PathSet:
                    foreach (var path in Path!) StartFiles(InputPathResolver.ResolveWildcard(this, path), settings);
                    break;
                case LiteralPathSet:
                    foreach (var path in LiteralPath!) StartFiles(InputPathResolver.ResolveLiteral(this, path), settings);
                    break;
                case UriSet:
                    foreach (var reference in Uri!) StartReference(reference, settings);
                    break;
            }
        }

        /// <summary>The settings for the inputs bound now, or null after an error for them when their prompt is missing or unusable.</summary>
        private PredictionSettings? SettingsForThisInput()
        {
            var inputs = ParameterSetName == UriSet ? Uri! : ParameterSetName == LiteralPathSet ? LiteralPath! : Path!;
            var problem = _promptOnCommandLine ? null : PromptCheck.PipedProblem(Prompt, inputs);
            if (problem == null)
            {
                return new PredictionSettings(Prompt!, Seed, OutputFormat, ModelName, ReturnBase64.IsPresent, WebhookUrl,
                    Resolution, GenerationMode, NumImages, _imageContext);
            }
            _received++;
            _failed++;
            _finished++;
            WriteError(FashnErrorRecords.InvalidArgument(problem, inputs.Length == 1 ? inputs[0] : (object)inputs));
            return null;
        }

        protected override void EndProcessing()
        {
            bool completed;
            try
            {
                completed = WriteQueuedUntilDone(_work, TimeSpan.FromMilliseconds(200), WriteBatchProgress);
            }
            catch (PipelineStoppedException)
            {
                ReportInFlight();
                throw;
            }
            if (!completed)
            {
                ReportInFlight();
                throw new PipelineStoppedException();
            }
            if (_batchStoppedBy != null)
            {
                // The rest was stopped by this command, not by Ctrl+C: what finished is written, then it stops with the reason.
                ReportInFlight();
                ThrowTerminatingError(_batchStoppedBy);
            }
            if (Wait.IsPresent)
            {
                WriteProgress(new ProgressRecord(ProgressActivityId, "Changing backgrounds with FASHN", "Done") { RecordType = ProgressRecordType.Completed });
            }
        }

        /// <summary>The -ImageContext, checked (and a file prepared) once for every input; a bad one stops the command before anything is sent.</summary>
        private ContextImage? OpenImageContext(string text)
        {
            try
            {
                return ContextImage.IsReference(text) ? ContextImage.FromReference(text)
                    : ContextImage.FromFile(SessionState.Path.GetUnresolvedProviderPathFromPSPath(text), _preparation!);
            }
            catch (FashnException ex)
            {
                ThrowTerminatingError(FashnErrorRecords.For(ex, text.Length > 200 ? text.Substring(0, 200) + "..." : text));
            }
            catch (Exception ex) when (ex is ProviderNotFoundException || ex is System.Management.Automation.DriveNotFoundException || ex is NotSupportedException || ex is ArgumentException)
            {
                ThrowTerminatingError(FashnErrorRecords.InvalidArgument(
                    $"The image context (-ImageContext) '{text}' is neither a file system path nor an http(s) URL or data URI: {ex.Message}", text));
            }
            return null;
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
                ThrowTerminatingError(FashnErrorRecords.For(new FashnException(FashnErrorCodes.JournalNotOpened,
                    $"The journal '{path}' cannot be opened: {ex.Message} Give another -JournalPath, or -NoJournal.", innerException: ex), path));
                return null;
            }
        }

        private void StartFiles(IEnumerable<(string path, object target)> files, PredictionSettings settings)
        {
            foreach (var (path, target) in files)
            {
                _received++;
                Start(() => PredictionJob.FromFile(path, settings, _preparation!), target);
            }
        }

        private void StartReference(string reference, PredictionSettings settings)
        {
            _received++;
            // A refused reference is named shortened: it may be a data URI of megabytes.
            Start(() => PredictionJob.FromReference(reference, settings), reference, reference.Length > 200 ? reference.Substring(0, 200) + "..." : reference);
        }

        /// <summary>Makes the input's job (an input that fails its checks is an error for it alone) and hands it to the runner.</summary>
        private void Start(Func<PredictionJob> createJob, object target, object? refusedTarget = null)
        {
            PredictionJob job;
            try
            {
                job = createJob();
            }
            catch (FashnException ex)
            {
                WriteError(FashnErrorRecords.For(ex, refusedTarget ?? target));
                _failed++;
                _finished++;
                return;
            }
            // Each prediction is billed: -WhatIf names the inputs that would be sent (after their checks), -Confirm asks.
            if (!ShouldProcess(job.Source, $"Start a billed FASHN {job.Settings.ModelName} prediction"))
            {
                _finished++;
                return;
            }
            var timeout = TimeSpan.FromSeconds(TimeoutSec);
            _work.Add(QueueWhenEnded(_runner!.RunAsync(job, Wait.IsPresent, timeout, WorkToken), target));
        }

        private bool IsWhatIf =>
            MyInvocation.BoundParameters.TryGetValue("WhatIf", out var whatIf) ? ((SwitchParameter)whatIf).IsPresent
                : SessionState.PSVariable.GetValue("WhatIfPreference") is { } preference && LanguagePrimitives.IsTrue(preference);

        protected override void WriteWorkEnded(Task work, object target)
        {
            var finished = (Task<PredictionOutcome>)work;
            if (finished.IsCanceled) return;
            _finished++;
            if (finished.IsFaulted)
            {
                _failed++;
                WriteError(FashnErrorRecords.ForUnexpected(finished.Exception!.GetBaseException(), target));
                return;
            }
            var outcome = finished.Result;
            if (outcome.Failure != null)
            {
                _failed++;
                var record = FashnErrorRecords.For(outcome.Failure, target);
                if (outcome.BatchStop != BatchStop.None)
                {
                    // Nothing more can succeed: stop the rest and end with this error. Out of credits, the predictions
                    // already running are paid for, so they are still collected; with a refused key nothing can be.
                    if (_batchStoppedBy == null)
                    {
                        _batchStoppedBy = record;
                        if (outcome.BatchStop == BatchStop.NewPredictions) _runner!.StopSubmitting();
                        else StopWork();
                    }
                    return;
                }
                WriteError(record);
                return;
            }
            var prediction = FashnPrediction.FromOutcome(outcome, _apiBaseUri!);
            PredictionHistory.Remember(prediction);
            WriteObject(prediction);
        }

        private void WriteBatchProgress()
        {
            if (!Wait.IsPresent || _sinceProgress.ElapsedMilliseconds < 250) return;
            _sinceProgress.Restart();
            var status = $"{_finished} of {_received} finished, {_runner!.RunningCount} running" + (_failed > 0 ? $", {_failed} failed" : "");
            var percent = _received == 0 ? 0 : Math.Min(100, _finished * 100 / _received);
            WriteProgress(new ProgressRecord(ProgressActivityId, "Changing backgrounds with FASHN", status) { PercentComplete = percent });
        }

        protected override void ReportAfterStop() => ReportInFlight();

        /// <summary>After Ctrl+C: the predictions still running at FASHN, so they can be collected rather than paid again.</summary>
        private void ReportInFlight()
        {
            if (_inFlightReported) return;
            _inFlightReported = true;
            var running = _runner?.Running ?? Array.Empty<RunningPrediction>();
            if (running.Count == 0) return;
            var lines = string.Join(Environment.NewLine, running.Select(p => $"  {p.Id}  {p.Source}"));
            var message = $"Stopped with {running.Count} prediction(s) still running at FASHN. Collect them with " +
                          $"Get-FashnPrediction -Id <id> -Wait | Save-FashnOutput:{Environment.NewLine}{lines}";
            // A stopped pipeline takes no more records, so after Ctrl+C the warning goes straight to the console.
            if (Stopped)
            {
                Host?.UI?.WriteWarningLine(message);
                return;
            }
            WriteWarning(message);
        }
    }
}
