using System.Net;
using System.Text.Json;
using Xunit;
using static Fashn.Emulator.Tests.EmulatorTestKit;

namespace Fashn.Emulator.Tests
{
    public class HostingTests
    {
        [Fact]
        public async Task The_server_listens_on_a_free_loopback_port_and_stops()
        {
            EmulatorServer server = await StartAsync();
            Uri baseUri = server.BaseUri;
            Assert.Equal("127.0.0.1", baseUri.Host);
            Assert.NotEqual(0, baseUri.Port);
            Assert.EndsWith("/", baseUri.AbsoluteUri);
            string dataDirectory = server.DataDirectory;
            Assert.True(Directory.Exists(dataDirectory));

            await server.StopAsync();

            using var client = new HttpClient();
            await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(new Uri(baseUri, "_emulator/stats")));
            Assert.False(Directory.Exists(dataDirectory));
        }

        [Theory]
        [InlineData("http://0.0.0.0:0")]
        [InlineData("http://*:0")]
        [InlineData("http://127.0.0.1:0;http://+:0")]
        public async Task Non_loopback_bindings_are_refused_unless_allowed(string urls)
        {
            var options = FastOptions();
            options.Urls = urls;

            ArgumentException error = await Assert.ThrowsAsync<ArgumentException>(() => EmulatorServer.StartAsync(options));

            Assert.Contains("--allow-non-loopback", error.Message);
        }

        [Fact]
        public async Task A_given_data_directory_holds_the_outputs_and_is_kept()
        {
            string folder = Path.Combine(Path.GetTempPath(), "fashn-emulator-test-" + Guid.NewGuid().ToString("N"));
            try
            {
                string id;
                await using (EmulatorServer server = await StartAsync(o => o.DataDirectory = folder))
                {
                    using HttpClient client = Client(server);
                    id = await client.SubmitAsync(RunBody(DataUri(SmallJpeg())));
                    await client.WaitFinishedAsync(id);
                    Assert.True(File.Exists(Path.Combine(folder, id, "output_0.png")));
                }

                Assert.True(File.Exists(Path.Combine(folder, id, "output_0.png")));
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        [Fact]
        public async Task A_throttled_uplink_still_receives_the_whole_body()
        {
            await using EmulatorServer server = await StartAsync(o => o.UploadBytesPerSecond = 400_000);
            using HttpClient client = Client(server);
            byte[] jpeg = SmallJpeg(160, 120);

            string id = await client.SubmitAsync(RunBody(DataUri(jpeg)));

            Assert.Equal("completed", (await client.WaitFinishedAsync(id)).Final.GetProperty("status").GetString());
            JsonElement input = (await StatsAsync(server)).GetProperty("inputs").EnumerateArray().Single();
            Assert.Equal(jpeg.Length, input.GetProperty("bytes").GetInt64());
        }

        [Fact]
        public async Task Ids_are_not_guessable_hex_and_unique()
        {
            await using EmulatorServer server = await StartAsync();
            using HttpClient client = Client(server);
            string body = RunBody(DataUri(SmallJpeg()));

            string first = await client.SubmitAsync(body);
            string second = await client.SubmitAsync(body);

            Assert.NotEqual(first, second);
            Assert.False(Guid.TryParse(first, out _));
        }
    }
}
