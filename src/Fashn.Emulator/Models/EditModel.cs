using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Fashn.Emulator.Imaging;
using Fashn.Emulator.Inputs;

namespace Fashn.Emulator.Models
{
    /// <summary>
    /// FASHN's <c>edit</c>, background-change's successor: the same image and prompt, and an optional image_context (the
    /// new background), mask, resolution, generation mode and num_images. Times and credits come from the edit tariff.
    /// </summary>
    internal sealed class EditModel : PredictionModel
    {
        public const string ModelName = "edit";

        private readonly IReadOnlyDictionary<string, double> _times;
        private readonly IReadOnlyDictionary<string, int> _credits;

        public EditModel(IReadOnlyDictionary<string, double> times, IReadOnlyDictionary<string, int> credits)
        {
            _times = times;
            _credits = credits;
        }

        public override string Name => ModelName;

        public override bool TryReadInputs(JsonElement inputs, [NotNullWhen(true)] out PredictionInputs? read, out string problem)
        {
            read = null;
            if (!InputFields.TryReadShared(inputs, out PredictionInputs? shared, out problem)
                || !InputFields.TryReadOptionalImage(inputs, EditInputs.ImageContextField, out string? context, out problem)
                || !InputFields.TryReadOptionalImage(inputs, EditInputs.MaskField, out string? mask, out problem)
                || !InputFields.TryReadChoice(inputs, "resolution", EditInputs.Resolutions, out string resolution, out problem)
                || !InputFields.TryReadChoice(inputs, "generation_mode", EditInputs.GenerationModes, out string mode, out problem)
                || !InputFields.TryReadCount(inputs, "num_images", 1, EditInputs.MaxNumImages, out int count, out problem))
            {
                return false;
            }

            read = new EditInputs(shared.Image, shared.Prompt, shared.Seed, shared.OutputFormat, shared.ReturnBase64, context, mask, resolution, mode, count);
            return true;
        }

        public override double ProcessingSeconds(PredictionInputs inputs) => _times[TariffKey(inputs)];

        public override int CreditsPerImage(PredictionInputs inputs) => _credits[TariffKey(inputs)];

        public override int OutputCount(PredictionInputs inputs) => Edit(inputs).NumImages;

        public override IEnumerable<(string Field, string Source)> ImageInputs(PredictionInputs inputs)
        {
            EditInputs edit = Edit(inputs);
            yield return (InputImage.MainField, edit.Image);
            if (edit.ImageContext is string context)
            {
                yield return (EditInputs.ImageContextField, context);
            }

            if (edit.Mask is string mask)
            {
                yield return (EditInputs.MaskField, mask);
            }
        }

        public override string? ImageSizeProblem(IReadOnlyDictionary<string, InputImageInfo> known)
        {
            if (known.TryGetValue(InputImage.MainField, out InputImageInfo? image) && known.TryGetValue(EditInputs.MaskField, out InputImageInfo? mask)
                && (image.Width != mask.Width || image.Height != mask.Height))
            {
                return $"inputs.mask must be the same size as inputs.image: the image is {image.Width}x{image.Height} pixels, the mask {mask.Width}x{mask.Height}.";
            }

            return null;
        }

        public override IReadOnlyList<byte[]> Render(IReadOnlyDictionary<string, byte[]> images, PredictionInputs inputs)
        {
            EditInputs edit = Edit(inputs);
            return ImageEditor.Render(new EditRequest(images[InputImage.MainField], edit.Prompt, edit.Seed, EditInputs.PixelsOf(edit.Resolution), edit.OutputFormat)
            {
                Context = images.GetValueOrDefault(EditInputs.ImageContextField),
                Mask = images.GetValueOrDefault(EditInputs.MaskField),
                Count = edit.NumImages,
            });
        }

        private static EditInputs Edit(PredictionInputs inputs) => (EditInputs)inputs;

        private static string TariffKey(PredictionInputs inputs) => EditTariff.Key(Edit(inputs).Resolution, Edit(inputs).GenerationMode);
    }
}
