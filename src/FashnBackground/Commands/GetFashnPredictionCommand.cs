using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading.Tasks;
using Fashn.Client;

namespace FashnBackground.Commands
{
    /// <summary>Gets the status of predictions by id; with -Wait, waits until each has finished.</summary>
    [Cmdlet(VerbsCommon.Get, "FashnPrediction")]
    [OutputType(typeof(FashnPrediction))]
    public sealed class GetFashnPredictionCommand : FashnApiCmdletBase
    {
        private readonly List<Task> _work = new List<Task>();
        private ErrorRecord? _stoppedBy;
        private PredictionRunner? _runner;
        private string? _apiBaseUri;

        /// <summary>Prediction ids, as strings or from the Id property of piped prediction objects.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(PredictionIdCompleter))]
        public string[]? Id { get; set; }

        /// <summary>Wait until each prediction has finished.</summary>
        [Parameter]
        public SwitchParameter Wait { get; set; }

        /// <summary>With -Wait: how long to wait for each prediction.</summary>
        [Parameter]
        [ValidateRange(1, 86400)]
        public int TimeoutSec { get; set; } = 300;

        /// <summary>Predictions fetched (and with -Wait, waited for) at once.</summary>
        [Parameter]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = 6;

        protected override void BeginProcessing()
        {
            var (client, budget) = Connect();
            _apiBaseUri = client.Options.BaseUri.AbsoluteUri;
            _runner = new PredictionRunner(client, budget, ThrottleLimit);
        }

        protected override void ProcessRecord()
        {
            WriteQueued();
            if (_stoppedBy != null) return;
            foreach (var id in Id!)
            {
                if (string.IsNullOrWhiteSpace(id)) continue;
                string trimmed;
                try
                {
                    trimmed = PredictionIds.Require(id);
                }
                catch (FashnException ex)
                {
                    WriteError(FashnErrorRecords.For(ex, PredictionIds.Shorten(id.Trim())));
                    continue;
                }
                var timeout = Wait.IsPresent ? TimeSpan.FromSeconds(TimeoutSec) : (TimeSpan?)null;
                _work.Add(QueueWhenEnded(_runner!.GetStatusAsync(trimmed, Wait.IsPresent, timeout, WorkToken), trimmed));
            }
        }

        protected override void EndProcessing()
        {
            var completed = WriteQueuedUntilDone(_work, TimeSpan.FromMilliseconds(250));
            // A refused key fails every id alike: one terminating error instead of one per id.
            if (_stoppedBy != null) ThrowTerminatingError(_stoppedBy);
            if (!completed)
            {
                throw new PipelineStoppedException();
            }
        }

        protected override void WriteWorkEnded(Task work, object target)
        {
            var id = (string)target;
            var done = (Task<PredictionStatus?>)work;
            if (done.IsCanceled) return;
            if (done.IsFaulted)
            {
                var error = done.Exception!.GetBaseException();
                if (error is FashnException fashn && FashnErrorCatalogue.BatchStopFor(fashn.ErrorCode) != BatchStop.None)
                {
                    if (_stoppedBy == null)
                    {
                        _stoppedBy = FashnErrorRecords.For(fashn, id);
                        StopWork();
                    }
                    return;
                }
                WriteError(FashnErrorRecords.ForUnexpected(error, id));
                return;
            }
            var status = done.Result;
            if (status == null)
            {
                WriteError(FashnErrorRecords.For(new FashnException(FashnErrorCodes.PollingTimeout,
                    $"Prediction {id} did not finish within {TimeoutSec} s. It may still complete: run Get-FashnPrediction -Id {id} -Wait again later.",
                    predictionId: id), id));
                return;
            }
            var prediction = FashnPrediction.FromStatus(status, PredictionHistory.Find(status.Id), _apiBaseUri!);
            PredictionHistory.Remember(prediction);
            WriteObject(prediction);
        }
    }
}
