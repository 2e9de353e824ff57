using System.Management.Automation;
using System.Threading.Tasks;

namespace FashnBackground
{
    /// <summary>
    /// What a worker thread hands to the pipeline thread, which alone may write to PowerShell's streams: a verbose
    /// line, a progress record, or the end of one piece of work, whose result the cmdlet then writes.
    /// </summary>
    internal abstract class QueuedWrite
    {
        private QueuedWrite()
        {
        }

        /// <summary>A line for -Verbose (an HTTP exchange).</summary>
        internal sealed class Verbose : QueuedWrite
        {
            public Verbose(string message) => Message = message;
            public string Message { get; }
        }

        internal sealed class Progress : QueuedWrite
        {
            public Progress(ProgressRecord record) => Record = record;
            public ProgressRecord Record { get; }
        }

        /// <summary>One piece of work (an input's prediction, one id's status) ended; <see cref="Target"/> is its input.</summary>
        internal sealed class WorkEnded : QueuedWrite
        {
            public WorkEnded(Task work, object target)
            {
                Work = work;
                Target = target;
            }

            public Task Work { get; }
            public object Target { get; }
        }
    }
}
