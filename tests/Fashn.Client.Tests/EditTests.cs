using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Fashn.Client.Imaging;
using Fashn.Emulator;
using SkiaSharp;
using Xunit;
using static Fashn.Testing.TestImages;

namespace Fashn.Client.Tests;

/// <summary>The client on edit, background-change's successor: what is sent, what the journal tells apart, the sizes sent per tier.</summary>
public sealed class EditRequestTests : IDisposable
{
    private static readonly Uri Api = new("https://api.fashn.ai/");
    private readonly string _folder = Directory.CreateTempSubdirectory("fashn-edit-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Runs the job against a handler that accepts it, and returns the run body it was sent.</summary>
    private static async Task<JsonElement> SentBodyAsync(PredictionJob job)
    {
        var handler = new FakeHandler((_, _) => Task.FromResult(FakeHandler.Json(HttpStatusCode.OK, "{\"id\":\"p1\",\"error\":null}")));
        using var client = TestClients.Create(handler);
        var outcome = await new PredictionRunner(client, new ServiceBudget(client.Options.Limits), 1).RunAsync(job, wait: false, null, default);
        Assert.Null(outcome.Failure);
        var run = Assert.Single(handler.Requests, r => r.Method == HttpMethod.Post);
        return JsonDocument.Parse(run.Body!).RootElement.Clone();
    }

    private static SKSizeI DecodedSize(string dataUri)
    {
        using var bitmap = SKBitmap.Decode(Convert.FromBase64String(dataUri.Substring(dataUri.IndexOf(',') + 1)));
        Assert.NotNull(bitmap);
        return new SKSizeI(bitmap.Width, bitmap.Height);
    }

    [Fact]
    public async Task AnEditRunSendsItsOwnInputsWithTheContextFilePreparedAtTheTiersSize()
    {
        var photo = Write("photo.jpg", SubjectOnBackdrop(640, 480, SKEncodedImageFormat.Jpeg));
        // 6 megapixels: more than 2k's 4, so it is scaled down, but to 4 megapixels and not to 1.
        var beach = Write("beach.jpg", SubjectOnBackdrop(3000, 2000, SKEncodedImageFormat.Jpeg, variant: 3));
        var preparation = ResolutionTiers.PreparationFor(EditModel.Resolution2K, resize: true);
        var settings = new PredictionSettings("put it on the beach", seed: 9, modelName: EditModel.Name, resolution: "2k",
            generationMode: "quality", numImages: 3, imageContext: ContextImage.FromFile(beach, preparation));

        var body = await SentBodyAsync(PredictionJob.FromFile(photo, settings, preparation));

        Assert.Equal("edit", body.GetProperty("model_name").GetString());
        var inputs = body.GetProperty("inputs");
        Assert.Equal("put it on the beach", inputs.GetProperty("prompt").GetString());
        Assert.Equal("2k", inputs.GetProperty("resolution").GetString());
        Assert.Equal("quality", inputs.GetProperty("generation_mode").GetString());
        Assert.Equal(3, inputs.GetProperty("num_images").GetInt32());
        Assert.Equal(9, inputs.GetProperty("seed").GetInt64());
        Assert.Equal(new SKSizeI(640, 480), DecodedSize(inputs.GetProperty("image").GetString()!));
        var context = DecodedSize(inputs.GetProperty("image_context").GetString()!);
        Assert.InRange((long)context.Width * context.Height, 3_900_000, 4_000_000);
        Assert.Equal(1.5, (double)context.Width / context.Height, 2);
    }

    [Fact]
    public async Task ABackgroundChangeRunSendsNoneOfEditsInputs()
    {
        var body = await SentBodyAsync(PredictionJob.FromReference("https://example.com/a.jpg", new PredictionSettings("studio")));

        var sent = body.GetProperty("inputs").EnumerateObject().Select(p => p.Name).Order();
        Assert.Equal(new[] { "image", "prompt" }, sent);
        Assert.Equal("background-change", body.GetProperty("model_name").GetString());
    }

    [Theory]
    [InlineData(null, 1_000_000)]
    [InlineData("1k", 1_000_000)]
    [InlineData("2k", 4_000_000)]
    [InlineData("4k", 16_000_000)]
    public void ALargePhotoIsPreparedToItsTiersPixelsNotToOneMegapixelForEvery(string? resolution, int pixels)
    {
        var path = Write("large.jpg", LargePhoto.Value);

        var prepared = ImagePreparer.Prepare(path, ResolutionTiers.PreparationFor(resolution, resize: true));

        Assert.InRange((long)prepared.Width * prepared.Height, pixels * 0.99, pixels);
        Assert.Equal(1.5, (double)prepared.Width / prepared.Height, 2);
        using var decoded = SKBitmap.Decode(prepared.Bytes);
        Assert.Equal((prepared.Width, prepared.Height), (decoded.Width, decoded.Height));
    }

    // 6000 x 4000: 24 megapixels, above every tier.
    private static readonly Lazy<byte[]> LargePhoto = new(() => SubjectOnBackdrop(6000, 4000, SKEncodedImageFormat.Jpeg));

    [Fact]
    public void ThePhotoAtFourKIsSentAsItIsWhenItFitsTheTier()
    {
        var path = Write("camera.jpg", SubjectOnBackdrop(4000, 3000, SKEncodedImageFormat.Jpeg));

        var at4k = ImagePreparer.Prepare(path, ResolutionTiers.PreparationFor("4k", resize: true));
        var at1k = ImagePreparer.Prepare(path, ResolutionTiers.PreparationFor(null, resize: true));

        Assert.False(at4k.Reencoded);
        Assert.Equal((4000, 3000), (at4k.Width, at4k.Height));
        Assert.True(at1k.Width * at1k.Height <= 1_000_000);
    }

    [Fact]
    public void TheJournalKeyFollowsEditsInputsAndTheContextsContentNotItsName()
    {
        const string image = "https://example.com/a.jpg";
        var preparation = ResolutionTiers.PreparationFor("2k", resize: true);
        var beach = ContextImage.FromFile(Write("beach.png", SubjectOnBackdrop(200, 150, SKEncodedImageFormat.Png, variant: 1)), preparation);
        var sameBeach = ContextImage.FromFile(Write("copy-of-beach.png", SubjectOnBackdrop(200, 150, SKEncodedImageFormat.Png, variant: 1)), preparation);
        var forest = ContextImage.FromFile(Write("forest.png", SubjectOnBackdrop(200, 150, SKEncodedImageFormat.Png, variant: 2)), preparation);
        string Key(string? resolution = "2k", string? mode = "fast", int? count = 2, ContextImage? context = null) =>
            PredictionJournal.CreateKey(image, new PredictionSettings("beach", modelName: "edit", resolution: resolution, generationMode: mode,
                numImages: count, imageContext: context), Api);

        var key = Key(context: beach);

        Assert.Equal(key, Key(context: sameBeach));
        Assert.NotEqual(key, Key(context: forest));
        Assert.NotEqual(key, Key());
        Assert.NotEqual(key, Key(resolution: "4k", context: beach));
        Assert.NotEqual(key, Key(resolution: null, context: beach));
        Assert.NotEqual(key, Key(mode: "quality", context: beach));
        Assert.NotEqual(key, Key(count: 1, context: beach));
        Assert.NotEqual(Key(context: ContextImage.FromReference("https://example.com/beach.jpg")), Key(context: ContextImage.FromReference("https://example.com/forest.jpg")));
    }

    [Fact]
    public void ABackgroundChangeKeyIsTheOneEarlierVersionsJournaled()
    {
        // SHA-256 of the content's hash and the settings' lines, as the journal has keyed background-change all along.
        const string image = "https://example.com/a.jpg";
        var contentHash = SHA256.HashData(Encoding.UTF8.GetBytes(image));
        var text = string.Join("\n", "studio", "7", "jpeg", "background-change", "url", Api.AbsoluteUri);
        var expected = Convert.ToHexStringLower(SHA256.HashData([.. contentHash, .. Encoding.UTF8.GetBytes(text)]));

        Assert.Equal(expected, PredictionJournal.CreateKey(image, new PredictionSettings("studio", seed: 7, outputFormat: "jpeg"), Api));
    }

    [Fact]
    public void EditsInputsForBackgroundChangeAreRefusedNamingThemAndTheModelToUse()
    {
        var error = Assert.Throws<FashnException>(() => new PredictionSettings("studio", resolution: "4k", numImages: 2));

        Assert.Equal(FashnErrorCodes.InvalidArgument, error.ErrorCode);
        Assert.Equal("-Resolution and -NumImages are inputs of the edit model; the model 'background-change' does not take them. " +
                     "Add -ModelName edit (FASHN's successor of background-change, with the same image and prompt).", error.Message);
    }

    [Theory]
    [InlineData("8k", null, null, "The resolution '8k' is not one of edit's: 1k, 2k, 4k.")]
    [InlineData(null, "turbo", null, "The generation mode 'turbo' is not one of edit's: fast, balanced, quality.")]
    [InlineData(null, null, 5, "NumImages must be 1 to 4; it is 5.")]
    [InlineData(null, null, 0, "NumImages must be 1 to 4; it is 0.")]
    public void EditsInputsOutsideTheirValuesAreRefused(string? resolution, string? mode, int? count, string expected)
    {
        Assert.Equal(expected, EditModel.InputsProblem("edit", resolution, mode, count, hasImageContext: false));
        Assert.Null(EditModel.InputsProblem("edit", "4k", "quality", 4, hasImageContext: true));
    }

    [Fact]
    public void AContextThatIsMissingOrNotAnImageIsRefusedAsTheContext()
    {
        var options = ResolutionTiers.PreparationFor(null, resize: true);
        var missing = Assert.Throws<FashnException>(() => ContextImage.FromFile(Path.Combine(_folder, "gone.jpg"), options));
        var text = Assert.Throws<FashnException>(() => ContextImage.FromFile(Write("notes.jpg", Encoding.UTF8.GetBytes("not a picture")), options));
        var reference = Assert.Throws<FashnException>(() => ContextImage.FromReference("data:image/png;base64,@@@"));

        Assert.Equal(FashnErrorCategory.ObjectNotFound, missing.Category);
        Assert.StartsWith("The image context (-ImageContext): Cannot find the file", missing.Message);
        Assert.Equal(FashnErrorCodes.InvalidInputImage, text.ErrorCode);
        Assert.StartsWith("The image context (-ImageContext): ", text.Message);
        Assert.Equal(FashnErrorCodes.InvalidArgument, reference.ErrorCode);
        Assert.True(ContextImage.IsReference(" https://example.com/b.jpg") && ContextImage.IsReference("data:image/png;base64,AAAA"));
        Assert.False(ContextImage.IsReference("./backgrounds/beach.jpg"));
    }

    [Fact]
    public void SeveralOutputsAreNamedAfterTheInputTheFirstAsASingleOneWouldBe()
    {
        Assert.Equal(new[] { "photo", "photo_1", "photo_2", "photo_3" }, Enumerable.Range(0, 4).Select(i => OutputFileNames.ForOutput("photo", i)));
    }
}

/// <summary>When FASHN answers that background-change is gone, the failure says to use edit, and nothing more is sent.</summary>
public sealed class ModelRetirementTests
{
    private static async Task<(PredictionOutcome Outcome, int Runs)> RunAsync(HttpResponseMessage answer, string model = "background-change")
    {
        var handler = new FakeHandler((_, _) => Task.FromResult(answer));
        using var client = TestClients.Create(handler);
        var runner = new PredictionRunner(client, new ServiceBudget(client.Options.Limits), 1);
        var outcome = await runner.RunAsync(PredictionJob.FromReference("https://example.com/a.jpg", new PredictionSettings("studio", modelName: model)), true, null, default);
        return (outcome, handler.Requests.Count);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, "BadRequest", "Unknown model_name 'background-change'")]
    [InlineData(HttpStatusCode.BadRequest, "BadRequest", "The model background-change is deprecated and has been discontinued")]
    [InlineData(HttpStatusCode.NotFound, "NotFound", "Model not found: no longer available")]
    [InlineData(HttpStatusCode.Gone, "Gone", "")]
    public async Task ARefusalThatSaysTheModelIsGoneSaysToUseEditAndStopsNewSubmissions(HttpStatusCode status, string code, string message)
    {
        var (outcome, runs) = await RunAsync(FakeHandler.ApiError(status, code, message));

        var failure = outcome.Failure!;
        Assert.Equal(FashnErrorCodes.ModelDiscontinued, failure.ErrorCode);
        Assert.Equal(BatchStop.NewPredictions, failure.BatchStop);
        Assert.Contains($"HTTP {(int)status} {code}", failure.Message);
        Assert.Contains(message, failure.Message);
        Assert.Contains("run the command again with -ModelName edit, which takes the same image and prompt", failure.Message);
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task TheInputsWaitingForTheirTurnAreNotSentOnceTheModelIsGone()
    {
        var handler = new FakeHandler((_, _) => Task.FromResult(FakeHandler.ApiError(HttpStatusCode.BadRequest, "BadRequest", "Unknown model_name 'background-change'")));
        using var client = TestClients.Create(handler);
        var runner = new PredictionRunner(client, new ServiceBudget(client.Options.Limits), throttleLimit: 1);

        var runs = Enumerable.Range(0, 3)
            .Select(i => runner.RunAsync(PredictionJob.FromReference($"https://example.com/{i}.jpg", new PredictionSettings("studio")), true, null, default))
            .ToArray();
        var first = await runs[0];

        Assert.Equal(FashnErrorCodes.ModelDiscontinued, first.Failure!.ErrorCode);
        foreach (var waiting in runs.Skip(1)) await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task OtherRefusalsStayWhatTheyAre()
    {
        var (aboutThePrompt, _) = await RunAsync(FakeHandler.ApiError(HttpStatusCode.BadRequest, "BadRequest", "inputs.prompt is required"));
        var (editUnknown, _) = await RunAsync(FakeHandler.ApiError(HttpStatusCode.BadRequest, "BadRequest", "Unknown model_name 'edit'"), model: "edit");

        Assert.Equal(FashnErrorCodes.BadRequest, aboutThePrompt.Failure!.ErrorCode);
        Assert.Equal(FashnErrorCodes.BadRequest, editUnknown.Failure!.ErrorCode);
        Assert.DoesNotContain("-ModelName edit", editUnknown.Failure.Message);
    }

    [Fact]
    public async Task TheEmulatorWithBackgroundChangeRetiredIsAnsweredSo()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { TimeScale = 0.02, RetiredModels = ["background-change"] });
        var options = new FashnClientOptions(EmulatorOptions.DefaultApiKey, emulator.BaseUri);
        using var client = new FashnApiClient(options, new RequestWindows(options.Limits));
        var budget = new ServiceBudget(options.Limits);
        var image = JpegDataUri(64, 48);

        // A command each, as the user runs them: the refusal stops the rest of its own command.
        var retired = await new PredictionRunner(client, budget, 1).RunAsync(PredictionJob.FromReference(image, new PredictionSettings("studio")), true, null, default);
        var edited = await new PredictionRunner(client, budget, 1).RunAsync(PredictionJob.FromReference(image, new PredictionSettings("studio", modelName: "edit", numImages: 2)), true, TimeSpan.FromSeconds(60), default);

        Assert.Equal(FashnErrorCodes.ModelDiscontinued, retired.Failure!.ErrorCode);
        Assert.Contains("Unknown model_name 'background-change'", retired.Failure.Message);
        Assert.Null(edited.Failure);
        Assert.Equal(2, edited.Status!.Output.Count);
        // edit at its default 1k balanced: 1 credit an image, as the emulator billed it.
        Assert.Equal(2, edited.Status.CreditsUsed);
    }
}
