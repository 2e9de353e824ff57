namespace Fashn.Emulator.Imaging
{
    /// <summary>What <see cref="BackgroundChanger.Probe"/> learns from an image's header.</summary>
    /// <param name="Format">"jpeg", "png" or "webp".</param>
    /// <param name="Width">Width as displayed, after EXIF orientation.</param>
    /// <param name="Height">Height as displayed, after EXIF orientation.</param>
    public sealed record InputImageInfo(string Format, int Width, int Height);
}
