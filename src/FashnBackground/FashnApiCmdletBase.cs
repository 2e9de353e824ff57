using System;
using System.Management.Automation;
using System.Net;
using System.Security;
using Fashn.Client;

namespace FashnBackground
{
    /// <summary>The cmdlets that call the API: the key, the base URI and the retry count.</summary>
    public abstract class FashnApiCmdletBase : FashnCmdletBase
    {
        /// <summary>The FASHN API key. A SecureString (as Get-Secret returns) or a plain string; default $env:FASHN_API_KEY.</summary>
        [Parameter]
        [SecureStringTransformation]
        [ValidateNotNull]
        public SecureString? ApiKey { get; set; }

        /// <summary>The API's base URI; default $env:FASHN_BASE_URL, else https://api.fashn.ai.</summary>
        [Parameter]
        [ValidateNotNull]
        public Uri? BaseUri { get; set; }

        /// <summary>Retries of one request after a connection failure, a 429 or a 5xx (never a run that may have been received).</summary>
        [Parameter]
        [ValidateRange(0, 10)]
        public int MaximumRetryCount { get; set; } = 3;

        /// <summary>The first wait before a retry, in seconds; it doubles per retry up to three times this (with jitter). A server's Retry-After wins.</summary>
        [Parameter]
        [ValidateRange(0.01, 60.0)]
        public double RetryIntervalSec { get; set; } = 2;

        /// <summary>How long one HTTP request may take before it is given up (a run request is then not sent again); also the longest wait a server's Retry-After may ask for.</summary>
        [Parameter]
        [ValidateRange(1, 600)]
        public int RequestTimeoutSec { get; set; } = 60;

        /// <summary>The client options, or a terminating error when no key is set or the base URI is refused.</summary>
        protected FashnClientOptions CreateClientOptions()
        {
            var key = ApiKey != null ? new NetworkCredential(string.Empty, ApiKey).Password : Environment.GetEnvironmentVariable(FashnClientOptions.ApiKeyVariable);
            if (string.IsNullOrWhiteSpace(key))
            {
                ThrowTerminatingError(FashnErrorRecords.For(
                    new FashnException(FashnErrorCodes.MissingApiKey,
                        "No FASHN API key was found. Pass -ApiKey, or set the environment variable: $env:FASHN_API_KEY = '<your key>' " +
                        "(or from SecretManagement: $env:FASHN_API_KEY = Get-Secret FashnApiKey -AsPlainText). For the local emulator use its key."),
                    null));
            }
            try
            {
                var options = new FashnClientOptions(key!, ResolveBaseUri())
                {
                    MaxRetries = MaximumRetryCount,
                    RetryBaseDelay = TimeSpan.FromSeconds(RetryIntervalSec),
                    MaxRetryDelay = TimeSpan.FromSeconds(RetryIntervalSec * 3),
                    RequestTimeout = TimeSpan.FromSeconds(RequestTimeoutSec),
                    // No server's Retry-After or advertised window makes one request wait longer than it may take.
                    MaxRetryAfter = TimeSpan.FromSeconds(RequestTimeoutSec),
                };
                options.RequestLog = entry => QueueVerbose(entry.ToString());
                return options;
            }
            catch (FashnException ex)
            {
                // The base URI as shown: a user name or password in it may be the key.
                ThrowTerminatingError(FashnErrorRecords.For(ex, BaseUri == null ? null : FashnClientOptions.Display(BaseUri)));
                throw; // not reached: ThrowTerminatingError throws
            }
        }

        /// <summary>The HTTP client for the key and base URI, and the budget every command of the process shares for them.</summary>
        protected (FashnApiClient Client, ServiceBudget Budget) Connect()
        {
            var options = CreateClientOptions();
            var budget = ServiceBudget.GetShared(options);
            return (new FashnApiClient(options, budget.Windows), budget);
        }

        protected Uri ResolveBaseUri()
        {
            if (BaseUri != null) return FashnClientOptions.ValidateBaseUri(BaseUri);
            var fromEnvironment = Environment.GetEnvironmentVariable(FashnClientOptions.BaseUriVariable);
            if (!string.IsNullOrWhiteSpace(fromEnvironment))
            {
                if (!Uri.TryCreate(fromEnvironment!.Trim(), UriKind.Absolute, out var parsed))
                {
                    // Its value is not shown: with the two variables swapped, it is the key.
                    throw new FashnException(FashnErrorCodes.InvalidArgument,
                        $"The environment variable FASHN_BASE_URL holds {fromEnvironment.Trim().Length} characters that are not an absolute URI " +
                        "(if they are your API key, FASHN_API_KEY and FASHN_BASE_URL are swapped). Set it to https://api.fashn.ai or remove it.");
                }
                return FashnClientOptions.ValidateBaseUri(parsed);
            }
            return new Uri(FashnClientOptions.DefaultBaseUri + "/");
        }

    }
}
