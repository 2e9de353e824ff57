using Fashn.Emulator.Accounting;
using Fashn.Emulator.Handlers;
using Fashn.Emulator.Inputs;
using Fashn.Emulator.Models;
using Fashn.Emulator.Persistence;
using Fashn.Emulator.Predictions;
using Fashn.Emulator.Stats;
using Fashn.Emulator.Webhooks;

namespace Fashn.Emulator
{
    /// <summary>
    /// The FASHN API emulator as an in-process server: <c>POST /v1/run</c>, <c>GET /v1/status/{id}</c>,
    /// <c>GET /v1/credits</c>, the CDN for outputs, <c>GET /_emulator/stats</c> and <c>GET /_emulator/predictions</c>. This class is its lifecycle: it
    /// makes the parts and wires them together, takes back a kept state, starts listening and stops it all in order.
    /// </summary>
    public sealed class EmulatorServer : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly DataFolder _folder;
        private readonly HttpClient _http;
        private readonly StateKeeper _state;
        private readonly PredictionLifecycle _lifecycle;
        private readonly ExpirySweeper _sweeper;
        private readonly CancellationTokenSource _stopping = new();
        private int _stopped;

        private EmulatorServer(EmulatorOptions options)
        {
            Options = options;
            _folder = DataFolder.Open(options.DataDirectory, out SavedState? saved);
            var stats = new EmulatorStats();
            var credits = new CreditAccount(options.Credits, options.SubscriptionCredits);
            if (saved is not null)
            {
                credits.LoadFrom(saved);
                stats.LoadFrom(saved);
            }

            // Redirects are not followed unless remote URLs are allowed: a loopback URL must not bounce elsewhere.
            _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = options.AllowRemoteUrls })
            {
                Timeout = TimeSpan.FromSeconds(30),
            };

            var models = new ModelCatalogue(options);
            var store = new PredictionStore();
            var lifetimes = new OutputLifetimes(options);
            var answers = new StatusAnswers(lifetimes);
            var admission = new PredictionAdmission(options.ConcurrencyLimit, credits, stats);
            _state = new StateKeeper(_folder.StateFile, store, credits, stats);
            var producer = new OutputProducer(options, new InputImageLoader(_http, options, stats), _folder);
            var webhooks = new WebhookSender(_http, options, _stopping.Token);
            _lifecycle = new PredictionLifecycle(options, store, admission, producer, _folder, _state, answers, webhooks, stats);
            _sweeper = new ExpirySweeper(store, lifetimes, _folder, _state);
            if (saved is not null)
            {
                try
                {
                    StateRestorer.Restore(saved, _folder, models, lifetimes, store, _lifecycle, _state);
                }
                catch
                {
                    _folder.Dispose();
                    throw;
                }
            }

            _sweeper.Start();
            _app = EmulatorApp.Build(options, stats, new EmulatorEndpoints(
                new RunHandler(options, models, admission, _lifecycle, stats),
                new StatusHandler(store, lifetimes, answers),
                new CreditsHandler(credits),
                new CdnHandler(store, lifetimes, options, stats),
                new StatsHandler(stats, store, credits),
                new TimelineHandler(store)));
        }

        /// <summary>The address the server really listens on, e.g. http://127.0.0.1:54321/.</summary>
        public Uri BaseUri { get; private set; } = new("http://127.0.0.1/");

        public EmulatorOptions Options { get; }

        /// <summary>Where outputs are written (one folder per prediction), and state.json when the folder was given.</summary>
        public string DataDirectory => _folder.Root;

        /// <summary>Starts listening. Refuses a non-loopback binding unless <see cref="EmulatorOptions.AllowNonLoopbackBinding"/>.</summary>
        public static async Task<EmulatorServer> StartAsync(EmulatorOptions options, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(options);
            options.Validate();
            var server = new EmulatorServer(options);
            try
            {
                await server._app.StartAsync(cancellationToken);
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }

            string address = server._app.Urls.First();
            server.BaseUri = new Uri(address.EndsWith('/') ? address : address + "/");
            server._lifecycle.PublicBaseUri = server.BaseUri;
            return server;
        }

        /// <summary>
        /// Stops webhooks and listening, then the predictions (a running one is saved with the time it has run, for a
        /// restart to resume), and deletes a temporary data folder.
        /// </summary>
        public async Task StopAsync()
        {
            if (Interlocked.Exchange(ref _stopped, 1) != 0)
            {
                return;
            }

            _stopping.Cancel();
            try
            {
                await _app.StopAsync(TimeSpan.FromSeconds(5));
            }
            finally
            {
                await _lifecycle.StopAsync();
                await _sweeper.StopAsync();
                _state.SaveLastAndClose();
                await _app.DisposeAsync();
                _http.Dispose();
                _folder.Dispose();
            }
        }

        public async ValueTask DisposeAsync() => await StopAsync();
    }
}
