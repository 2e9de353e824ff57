using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using Fashn.Client;

namespace FashnBackground.Commands
{
    /// <summary>
    /// Saves the outputs of completed predictions as files in -Destination, named after the source file
    /// (photo.jpg gives photo.png) or after the id. Files are written whole or not at all. Each FileInfo carries
    /// its prediction in a FashnPrediction note property.
    /// </summary>
    [Cmdlet(VerbsData.Save, "FashnOutput", SupportsShouldProcess = true)]
    [OutputType(typeof(FileInfo))]
    public sealed class SaveFashnOutputCommand : FashnCmdletBase
    {
        /// <summary>The file names given to an output in this run (saved, kept or failed): each is given once.</summary>
        private readonly HashSet<string> _namedThisRun = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        private string? _destination;
        private bool _destinationReady;

        /// <summary>Prediction objects from Invoke-FashnBackgroundChange -Wait or Get-FashnPrediction.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true)]
        [ValidateNotNull]
        public FashnPrediction[]? InputObject { get; set; }

        /// <summary>The folder for the files; created if needed. Default: the current folder.</summary>
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Destination { get; set; } = ".";

        /// <summary>Overwrite files that already exist.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>How long one download may take.</summary>
        [Parameter]
        [ValidateRange(1, 3600)]
        public int TimeoutSec { get; set; } = 120;

        /// <summary>Retries of one download after a broken connection, a timeout or a transient answer (408, 429, 5xx); each starts again from nothing.</summary>
        [Parameter]
        [ValidateRange(0, 10)]
        public int MaximumRetryCount { get; set; } = 3;

        protected override void BeginProcessing()
        {
            try
            {
                _destination = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Destination);
            }
            catch (Exception ex) when (ex is ProviderNotFoundException || ex is System.Management.Automation.DriveNotFoundException || ex is NotSupportedException || ex is ArgumentException)
            {
                ThrowTerminatingError(FashnErrorRecords.For(new FashnException(FashnErrorCodes.OutputNotSaved,
                    $"The destination '{Destination}' is not a file system folder: {ex.Message}"), Destination));
            }
            if (File.Exists(_destination))
            {
                ThrowTerminatingError(FashnErrorRecords.For(new FashnException(FashnErrorCodes.OutputNotSaved,
                    $"The destination '{_destination}' is a file. Give a folder (it is created if needed)."), Destination));
            }
        }

        protected override void ProcessRecord()
        {
            foreach (var prediction in InputObject!)
            {
                SavePrediction(prediction);
            }
        }

        private void SavePrediction(FashnPrediction prediction)
        {
            if (prediction.Status != PredictionStatuses.Completed)
            {
                if (prediction.Status == PredictionStatuses.Failed || prediction.ErrorName != null)
                {
                    var name = prediction.ErrorName ?? FashnErrorCodes.PredictionFailed;
                    WriteError(FashnErrorRecords.For(new FashnException(name,
                        $"Prediction {prediction.Id} failed with {name}: {prediction.ErrorMessage} Nothing was saved for it.", predictionId: prediction.Id),
                        (object?)prediction.Source ?? prediction));
                }
                else
                {
                    WriteError(FashnErrorRecords.For(new FashnException(FashnErrorCodes.PredictionNotFinished,
                            $"Prediction {prediction.Id} is '{prediction.Status}', not completed, so it has no output yet. " +
                            "Use Invoke-FashnBackgroundChange -Wait, or pipe it through Get-FashnPrediction -Wait first.", predictionId: prediction.Id),
                        (object?)prediction.Source ?? prediction));
                }
                return;
            }
            if (prediction.Output.Length == 0)
            {
                WriteError(FashnErrorRecords.For(new FashnException(FashnErrorCodes.UnexpectedResponse,
                    $"Prediction {prediction.Id} is completed but lists no output.", predictionId: prediction.Id), (object?)prediction.Source ?? prediction));
                return;
            }
            if (prediction.Output.Length > OutputSaver.MaxOutputsPerPrediction)
            {
                WriteError(FashnErrorRecords.For(new FashnException(FashnErrorCodes.UnexpectedResponse,
                    $"Prediction {PredictionIds.Shorten(prediction.Id ?? "")} lists {prediction.Output.Length} outputs, more than the {OutputSaver.MaxOutputsPerPrediction} " +
                    "a prediction can have, so none was saved. Its answer did not come from FASHN as it is; check -BaseUri (or FASHN_BASE_URL) " +
                    "and get the prediction again with Get-FashnPrediction.", predictionId: prediction.Id), (object?)prediction.Source ?? prediction));
                return;
            }
            Uri? apiBase = null;
            if (prediction.ApiBaseUri != null) Uri.TryCreate(prediction.ApiBaseUri, UriKind.Absolute, out apiBase);
            var saver = new OutputSaver(apiBase, OutputSaver.DefaultMaxBytes, TimeSpan.FromSeconds(TimeoutSec))
            {
                MaxRetries = MaximumRetryCount,
                RequestLog = entry => QueueVerbose(entry.ToString()),
            };
            for (var i = 0; i < prediction.Output.Length; i++)
            {
                var output = prediction.Output[i];
                var path = Path.Combine(_destination!, FileNameFor(prediction, output, i));
                if (File.Exists(path) && !Force.IsPresent)
                {
                    WriteWarning($"Kept the existing file '{path}'; use -Force to overwrite it.");
                    continue;
                }
                if (!ShouldProcess(path, "Save FASHN output of prediction " + prediction.Id)) continue;
                if (!EnsureDestination()) return;
                try
                {
                    RunToEnd(token => saver.SaveAsync(output, path, overwrite: true, token));
                    WriteSavedFile(path, prediction);
                }
                catch (FashnException ex)
                {
                    WriteError(FashnErrorRecords.For(ex, (object?)prediction.Source ?? prediction));
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                    WriteError(FashnErrorRecords.For(new FashnException(FashnErrorCodes.OutputNotSaved,
                        $"Could not write '{path}': {ex.Message} Check that the folder is writable and the disk has space.", predictionId: prediction.Id, innerException: ex),
                        (object?)prediction.Source ?? prediction));
                }
            }
        }

        /// <summary>
        /// Writes the saved file as the FileSystem provider gives it (mode, size, owner and folder filled in), so that
        /// it prints as Get-ChildItem prints it; a bare FileInfo lacks what the provider adds and prints half empty.
        /// </summary>
        /// <summary>
        /// Writes the file as the provider returns it (so it prints as Get-ChildItem's do), with the prediction it came
        /// from, so Export-FashnContactSheet can show its original, prompt and status.
        /// </summary>
        private void WriteSavedFile(string path, FashnPrediction prediction)
        {
            foreach (var item in SessionState.InvokeProvider.Item.Get(new[] { path }, false, true))
            {
                item.Properties.Add(new PSNoteProperty(ContactSheetInput.PredictionProperty, prediction));
                WriteObject(item);
            }
        }

        private bool EnsureDestination()
        {
            if (_destinationReady) return true;
            try
            {
                Directory.CreateDirectory(_destination!);
                _destinationReady = true;
                return true;
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                ThrowTerminatingError(FashnErrorRecords.For(new FashnException(FashnErrorCodes.OutputNotSaved,
                    $"Could not create the destination folder '{_destination}': {ex.Message}", innerException: ex), Destination));
                return false;
            }
        }

        /// <summary>
        /// photo.jpg gives photo.png, and several outputs photo.png, photo_1.png, ... (<see cref="OutputFileNames"/>);
        /// without a local source the id names the file.
        /// Server text (the id) is reduced to safe characters, so it cannot name a path outside the destination.
        /// A name already given in this run (a/photo.jpg, then b/photo.jpg) is named as a copy, photo (2), photo (3): told
        /// apart from another output, and the same names again when the same batch is saved again.
        /// </summary>
        private string FileNameFor(FashnPrediction prediction, string output, int index)
        {
            string stem;
            if (prediction.Source != null && IsLocalFile(prediction.Source))
            {
                stem = Path.GetFileNameWithoutExtension(prediction.Source);
            }
            else
            {
                stem = OutputSaver.ToSafeFileName(prediction.Id ?? "output");
            }
            var outputStem = OutputFileNames.ForOutput(stem, index);
            var name = outputStem + OutputSaver.GetExtension(output);
            var candidate = name;
            for (var n = 2; !_namedThisRun.Add(Path.Combine(_destination!, candidate)); n++)
            {
                candidate = OutputFileNames.ForCopy(outputStem, n) + OutputSaver.GetExtension(output);
            }
            return candidate;
        }

        private static bool IsLocalFile(string source) =>
            Path.IsPathRooted(source) && !source.StartsWith("http:", StringComparison.OrdinalIgnoreCase) && !source.StartsWith("https:", StringComparison.OrdinalIgnoreCase);
    }
}
