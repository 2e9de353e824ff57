namespace Fashn.Emulator.Imaging
{
    /// <summary>The encodings the API offers for its output (<c>output_format</c>).</summary>
    public enum OutputImageFormat
    {
        Png,
        Jpeg,
    }
}
