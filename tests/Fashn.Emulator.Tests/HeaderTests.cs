using System.Net;
using Xunit;
using static Fashn.Emulator.Tests.EmulatorTestKit;

namespace Fashn.Emulator.Tests
{
    /// <summary>The headers of the answers: by default with the emulator's hints, with --documented-headers-only as FASHN documents them.</summary>
    public class HeaderTests
    {
        /// <summary>Every header a client can meet through the API, as lower-case names.</summary>
        private static async Task<Dictionary<string, HashSet<string>>> HeadersOfEveryKindOfAnswerAsync(bool documentedOnly)
        {
            await using EmulatorServer server = await StartAsync(o =>
            {
                o.DocumentedHeadersOnly = documentedOnly;
                o.RunLimit = 1;
                o.RunWindowSeconds = 100_000;
            });
            using HttpClient client = Client(server);
            var answers = new Dictionary<string, HashSet<string>>();
            void Keep(string what, HttpResponseMessage response) =>
                answers[what] = response.Headers.Concat(response.Content.Headers).Select(h => h.Key.ToLowerInvariant()).ToHashSet();

            string id = await client.SubmitAsync(RunBody(DataUri(SmallJpeg())));
            using (HttpResponseMessage limited = await client.PostRunAsync(RunBody(DataUri(SmallJpeg()))))
            {
                Assert.Equal((HttpStatusCode)429, limited.StatusCode);
                Keep("rate-limited run", limited);
            }

            using (HttpResponseMessage injected = await client.PostRunAsync(RunBody(DataUri(SmallJpeg())), fault: "status-429"))
            {
                Keep("injected 429", injected);
            }

            (_, HttpResponseMessage completed, _) = await client.WaitFinishedAsync(id);
            using (completed)
            {
                Keep("completed status", completed);
            }

            using (HttpResponseMessage credits = await client.GetAsync("v1/credits"))
            {
                Keep("credits", credits);
            }

            return answers;
        }

        [Fact]
        public async Task With_documented_headers_only_no_answer_carries_a_header_fashn_does_not_document()
        {
            Dictionary<string, HashSet<string>> answers = await HeadersOfEveryKindOfAnswerAsync(documentedOnly: true);

            string[] plainHttp = { "date", "content-type", "content-length", "transfer-encoding" };
            foreach ((string what, HashSet<string> names) in answers)
            {
                Assert.True(names.IsSubsetOf(plainHttp.Append("x-fashn-credits-used")), $"{what}: {string.Join(", ", names)}");
            }

            Assert.Contains("x-fashn-credits-used", answers["completed status"]);
        }

        [Fact]
        public async Task By_default_answers_carry_the_rate_limit_hints_and_retry_after()
        {
            Dictionary<string, HashSet<string>> answers = await HeadersOfEveryKindOfAnswerAsync(documentedOnly: false);

            Assert.Contains("ratelimit-policy", answers["credits"]);
            Assert.Contains("ratelimit-policy", answers["completed status"]);
            Assert.Contains("retry-after", answers["rate-limited run"]);
            Assert.Contains("retry-after-ms", answers["rate-limited run"]);
            Assert.Contains("retry-after", answers["injected 429"]);
            Assert.Contains("x-fashn-credits-used", answers["completed status"]);
        }

        [Fact]
        public void The_command_line_option_sets_documented_headers_only()
        {
            EmulatorOptions options = EmulatorCommandLine.Parse(new[] { "--documented-headers-only" }, out _)!;

            Assert.True(options.DocumentedHeadersOnly);
            Assert.False(EmulatorCommandLine.Parse(Array.Empty<string>(), out _)!.DocumentedHeadersOnly);
        }
    }
}
