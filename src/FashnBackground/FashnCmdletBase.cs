using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace FashnBackground
{
    /// <summary>
    /// What every FASHN cmdlet shares: work runs on worker threads, and everything they write to PowerShell's streams
    /// is queued (<see cref="QueuedWrite"/>) and written by the pipeline thread. Ctrl+C cancels <see cref="StopToken"/>;
    /// the command's own work observes <see cref="WorkToken"/>, linked to it, which the command may also cancel itself
    /// (a batch-stopping error) without that looking like Ctrl+C.
    /// </summary>
    public abstract class FashnCmdletBase : PSCmdlet, IDisposable
    {
        private readonly CancellationTokenSource _stopping = new CancellationTokenSource();
        private readonly CancellationTokenSource _work;
        private readonly ConcurrentQueue<QueuedWrite> _queued = new ConcurrentQueue<QueuedWrite>();
        private readonly SemaphoreSlim _queuedSignal = new SemaphoreSlim(0);

        protected FashnCmdletBase()
        {
            _work = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        }

        /// <summary>Cancelled by Ctrl+C (StopProcessing).</summary>
        protected CancellationToken StopToken => _stopping.Token;

        /// <summary>Cancelled by Ctrl+C or by <see cref="StopWork"/>; every request and wait of the command's work observes it.</summary>
        protected CancellationToken WorkToken => _work.Token;

        /// <summary>True after Ctrl+C.</summary>
        protected bool Stopped => _stopping.IsCancellationRequested;

        protected override void StopProcessing()
        {
            _stopping.Cancel();
        }

        /// <summary>The command itself gives up on the rest of its work (a batch-stopping error); its tasks end as cancelled.</summary>
        protected void StopWork()
        {
            _work.Cancel();
        }

        public void Dispose()
        {
            // After Ctrl+C the engine may end the command from a place where nothing was reported (another command of
            // the pipeline was running at the stop): the command still says what it leaves behind.
            if (Stopped) ReportAfterStop();
            _work.Dispose();
            _stopping.Dispose();
            _queuedSignal.Dispose();
        }

        /// <summary>Says, once, what a stop left behind; straight to the host, since a stopped pipeline takes no records.</summary>
        protected virtual void ReportAfterStop()
        {
        }

        // Callable from any thread: queued for the pipeline thread.
        protected void QueueVerbose(string message) => Queue(new QueuedWrite.Verbose(message));

        protected void QueueProgress(ProgressRecord record) => Queue(new QueuedWrite.Progress(record));

        /// <summary>
        /// When <paramref name="work"/> ends, <see cref="WriteWorkEnded"/> writes its result on the pipeline thread. The
        /// task returned ends once the result is queued: the one to wait for with <see cref="WriteQueuedUntilDone"/>.
        /// </summary>
        protected Task QueueWhenEnded(Task work, object target) =>
            work.ContinueWith(ended => Queue(new QueuedWrite.WorkEnded(ended, target)), TaskScheduler.Default);

        /// <summary>Writes the result of one piece of work queued with <see cref="QueueWhenEnded"/>. Pipeline thread.</summary>
        protected virtual void WriteWorkEnded(Task work, object target)
        {
        }

        /// <summary>Writes what the workers queued. Pipeline thread only.</summary>
        protected void WriteQueued()
        {
            while (_queued.TryDequeue(out var queued))
            {
                switch (queued)
                {
                    case QueuedWrite.Verbose verbose:
                        WriteVerbose(verbose.Message);
                        break;
                    case QueuedWrite.Progress progress:
                        WriteProgress(progress.Record);
                        break;
                    case QueuedWrite.WorkEnded ended:
                        WriteWorkEnded(ended.Work, ended.Target);
                        break;
                }
            }
        }

        /// <summary>
        /// Writes what the workers queue until every one of <paramref name="tasks"/> has ended and its results are
        /// written (<paramref name="onTick"/> between waits). Returns false when Ctrl+C came first.
        /// </summary>
        protected bool WriteQueuedUntilDone(IReadOnlyCollection<Task> tasks, TimeSpan tick, Action? onTick = null)
        {
            var all = Task.WhenAll(tasks);
            while (true)
            {
                WriteQueued();
                if (all.IsCompleted)
                {
                    WriteQueued();
                    return !Stopped;
                }
                try
                {
                    _queuedSignal.Wait(tick, StopToken);
                }
                catch (OperationCanceledException)
                {
                    return false;
                }
                onTick?.Invoke();
            }
        }

        /// <summary>Runs an async operation to its end while writing what it queues; used by the one-request cmdlets.</summary>
        protected T RunToEnd<T>(Func<CancellationToken, Task<T>> operation)
        {
            var task = Task.Run(() => operation(WorkToken));
            if (!WriteQueuedUntilDone(new Task[] { task }, TimeSpan.FromMilliseconds(250)))
            {
                throw new PipelineStoppedException();
            }
            return task.GetAwaiter().GetResult();
        }

        private void Queue(QueuedWrite write)
        {
            _queued.Enqueue(write);
            _queuedSignal.Release();
        }
    }
}
