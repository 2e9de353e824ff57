using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace Fashn.Client
{
    /// <summary>
    /// Sends run requests and waits for a free place at the service. A 429 ConcurrencyLimitExceeded is not a failure
    /// but "wait until a running prediction finishes" (an earlier run's predictions, or another client on the same
    /// key): the slots' ceiling is lowered and the request sent again, for up to
    /// <see cref="FashnClientOptions.MaxConcurrencyWait"/> in all without using up retries; after that a refusal is
    /// retried like any other 429, <see cref="FashnClientOptions.MaxRetries"/> times. A refusal asking for a longer
    /// wait than the whole concurrency wait fails at once.
    /// </summary>
    public sealed class RunSubmitter
    {
        private readonly FashnApiClient _client;
        private readonly PredictionSlots _slots;
        private readonly RetryBackoff _backoff;

        public RunSubmitter(FashnApiClient client, PredictionSlots slots)
        {
            _client = client ?? throw new ArgumentNullException(nameof(client));
            _slots = slots ?? throw new ArgumentNullException(nameof(slots));
            _backoff = new RetryBackoff(client.Options);
        }

        /// <summary>POST /v1/run, waiting out concurrency refusals. Returns the new prediction's id.</summary>
        public async Task<string> SubmitAsync(RunRequest request, CancellationToken cancellationToken)
        {
            var options = _client.Options;
            var waiting = Stopwatch.StartNew();
            var attemptsAfterWait = 0;
            while (true)
            {
                try
                {
                    return await _client.RunAsync(request, cancellationToken).ConfigureAwait(false);
                }
                catch (FashnException ex) when (ex.Answer != null && ModelRetirement.SaysModelIsGone(ex.Answer, request.ModelName))
                {
                    throw ModelRetirement.Failure(ex.Answer);
                }
                catch (FashnException ex) when (ex.ErrorCode == FashnErrorCodes.InternalServerError && ex.Answer != null
                                                && request.InlineBytes > FashnErrorCatalogue.LargeRunBodyBytes)
                {
                    // FASHN names oversized payloads as the most common cause of 500: "run again later" would not help.
                    throw FashnErrorCatalogue.ForLargeRunRefused(ex.Answer, request.InlineBytes);
                }
                catch (FashnException ex) when (ex.ErrorCode == FashnErrorCodes.ConcurrencyLimitExceeded && ex.Answer != null)
                {
                    _slots.ServiceRefusedConcurrency();
                    TimeSpan delay;
                    var waitLeft = options.MaxConcurrencyWait - waiting.Elapsed;
                    if (waitLeft > TimeSpan.Zero)
                    {
                        // A refusal asking for longer than the whole wait may take cannot be waited out: said at once.
                        if (ex.Answer.RetryAfter > options.MaxConcurrencyWait)
                        {
                            throw FashnErrorCatalogue.ForApiAnswer(ex.Answer, null, 1,
                                $"The service asked to wait {ex.Answer.RetryAfter.Value.TotalSeconds:0} s, longer than the {options.MaxConcurrencyWait.TotalSeconds:0} s this command waits for a free place.");
                        }
                        delay = ex.Answer.RetryAfter ?? _backoff.For(1);
                        // The whole wait never outlasts MaxConcurrencyWait, whatever one refusal asks for.
                        if (delay > waitLeft) delay = waitLeft;
                    }
                    else
                    {
                        attemptsAfterWait++;
                        if (attemptsAfterWait > options.MaxRetries) throw FashnErrorCatalogue.ForApiAnswer(ex.Answer, null, attemptsAfterWait);
                        delay = ex.Answer.RetryAfter ?? _backoff.For(attemptsAfterWait);
                        if (delay > options.MaxRetryAfter)
                        {
                            throw FashnErrorCatalogue.ForApiAnswer(ex.Answer, null, attemptsAfterWait, _client.RetryAfterTooLong(delay));
                        }
                    }
                    if (ex.Answer.RetryAfter.HasValue)
                    {
                        await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        // No time given: sent again as soon as one of this process's predictions frees a place, or
                        // after the delay as a probe (the places may be held by another machine on the key).
                        await _slots.WaitForAFinishAsync(delay, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }
    }
}
