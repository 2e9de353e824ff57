using System.Net;
using System.Text.Json;
using SkiaSharp;
using Xunit;
using static Fashn.Emulator.Tests.EditTestKit;
using static Fashn.Emulator.Tests.EmulatorTestKit;

namespace Fashn.Emulator.Tests
{
    /// <summary>An edit prediction keeps its model, its further images and its settings across a stop and a start of an emulator on a data folder.</summary>
    public sealed class EditPersistenceTests : IDisposable
    {
        private readonly TestFolder _data = new("fashn-emulator-edit-persist-");

        private string Folder => _data.Path;

        public void Dispose() => _data.Dispose();

        private Task<EmulatorServer> StartOnFolderAsync(Action<EmulatorOptions>? configure = null) =>
            StartAsync(options =>
            {
                options.DataDirectory = Folder;
                options.ProcessingJitter = 0;
                configure?.Invoke(options);
            });

        private static string EditOf2kQualityTwoImages() => EditBody(DataUri(SmallJpeg(64, 48)), inputs =>
        {
            inputs["image_context"] = PngDataUri(SolidPng(80, 60, new SKColor(30, 160, 60)));
            inputs["mask"] = PngDataUri(RightHalfMask(64, 48, 32));
            inputs["resolution"] = "2k";
            inputs["generation_mode"] = "quality";
            inputs["num_images"] = 2;
            inputs["output_format"] = "jpeg";
        });

        [Fact]
        public async Task An_edit_running_at_the_stop_completes_after_a_restart_with_its_images_and_settings()
        {
            string id;
            await using (EmulatorServer first = await StartOnFolderAsync(o => o.EditProcessingSeconds["2k:quality"] = 100))
            {
                using HttpClient client = Client(first);
                id = await client.SubmitAsync(EditOf2kQualityTwoImages());
                JsonElement entry = Assert.Single(await TimelineAsync(first));
                Assert.Equal("edit", entry.GetProperty("model").GetString());
            }

            // While stopped, each data-URI image waits on disk for the render.
            Assert.True(File.Exists(Path.Combine(Folder, id, "input.bin")));
            Assert.True(File.Exists(Path.Combine(Folder, id, "image_context.bin")));
            Assert.True(File.Exists(Path.Combine(Folder, id, "mask.bin")));

            // The restarted emulator is told a short time: the prediction completes with what was kept.
            await using EmulatorServer second = await StartOnFolderAsync(o => o.EditProcessingSeconds["2k:quality"] = 1);
            using HttpClient again = Client(second);
            (JsonElement final, HttpResponseMessage response, _) = await again.WaitFinishedAsync(id);

            Assert.Equal("completed", final.GetProperty("status").GetString());
            // 2k quality is 3 credits an image, two images.
            Assert.Equal("6", response.Headers.GetValues("x-fashn-credits-used").Single());
            response.Dispose();
            string[] urls = final.GetProperty("output").EnumerateArray().Select(u => u.GetString()!).ToArray();
            Assert.Equal(new[] { "output_0.jpg", "output_1.jpg" }, urls.Select(u => u.Split('/')[^1]));
            byte[][] outputs = await OutputsAsync(final);
            Assert.NotEqual(outputs[0], outputs[1]);
            Assert.All(outputs, bytes =>
            {
                (int width, int height) = SizeOf(bytes);
                Assert.InRange(width * height, 2048 * 2048 * 0.99, 2048 * 2048);
            });
            Assert.False(File.Exists(Path.Combine(Folder, id, "image_context.bin")));
            Assert.False(File.Exists(Path.Combine(Folder, id, "mask.bin")));
            JsonElement entryAfter = Assert.Single(await TimelineAsync(second));
            Assert.Equal("edit", entryAfter.GetProperty("model").GetString());
            Assert.Equal(1000 - 6, (await StatsAsync(second)).GetProperty("credits").GetInt64());
        }

        [Fact]
        public async Task A_finished_edit_keeps_every_output_and_its_credits_across_a_restart()
        {
            string id;
            byte[][] before;
            await using (EmulatorServer first = await StartOnFolderAsync(o => o.EditProcessingSeconds["2k:quality"] = 1))
            {
                using HttpClient client = Client(first);
                id = await client.SubmitAsync(EditOf2kQualityTwoImages());
                before = await OutputsAsync((await client.WaitFinishedAsync(id)).Final);
            }

            await using EmulatorServer second = await StartOnFolderAsync();
            using HttpClient again = Client(second);
            using HttpResponseMessage status = await again.GetAsync("v1/status/" + id);

            Assert.Equal(HttpStatusCode.OK, status.StatusCode);
            JsonElement json = await ReadJsonAsync(status);
            Assert.Equal("completed", json.GetProperty("status").GetString());
            Assert.Equal("6", status.Headers.GetValues("x-fashn-credits-used").Single());
            Assert.Equal(before, await OutputsAsync(json));
            Assert.Equal("edit", Assert.Single(await TimelineAsync(second)).GetProperty("model").GetString());
        }

        [Fact]
        public async Task A_retired_background_change_refuses_new_runs_as_an_unknown_model_while_its_earlier_predictions_answer()
        {
            string earlier;
            await using (EmulatorServer first = await StartOnFolderAsync())
            {
                using HttpClient client = Client(first);
                earlier = await client.SubmitAsync(RunBody(DataUri(SmallJpeg())));
                await client.WaitFinishedAsync(earlier);
            }

            await using EmulatorServer retired = await StartOnFolderAsync(o => o.RetiredModels = new[] { "background-change" });
            using HttpClient again = Client(retired);
            using HttpResponseMessage refused = await again.PostRunAsync(RunBody(DataUri(SmallJpeg(variant: 1))));
            using HttpResponseMessage status = await again.GetAsync("v1/status/" + earlier);

            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            JsonElement error = await ReadJsonAsync(refused);
            Assert.Equal("BadRequest", error.GetProperty("error").GetString());
            Assert.Equal("Unknown model_name 'background-change'. This emulator serves 'edit'.", error.GetProperty("message").GetString());
            Assert.Equal("completed", (await ReadJsonAsync(status)).GetProperty("status").GetString());
            // edit, its successor, is still served.
            string edit = await again.SubmitAsync(EditBody(DataUri(SmallJpeg(variant: 2))));
            Assert.Equal("completed", (await again.WaitFinishedAsync(edit)).Final.GetProperty("status").GetString());
        }

        [Fact]
        public async Task Retired_models_are_read_from_the_command_line_and_only_a_served_one_can_be_retired()
        {
            EmulatorOptions options = EmulatorCommandLine.Parse(new[] { "--retired-models", "background-change" }, out _)!;
            Assert.Equal(new[] { "background-change" }, options.RetiredModels);

            ArgumentException error = await Assert.ThrowsAsync<ArgumentException>(() => StartAsync(o => o.RetiredModels = new[] { "try-on" }));
            Assert.Contains("'try-on'", error.Message);
        }
    }
}
