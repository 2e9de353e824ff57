namespace Fashn.Client
{
    /// <summary>How the outputs of one prediction are named: the first after its input, the others numbered after it.</summary>
    public static class OutputFileNames
    {
        /// <summary>
        /// The file name without extension of output <paramref name="index"/> (0-based) of an input named
        /// <paramref name="stem"/>: photo, photo_1, photo_2, ... A prediction with one output is named as before edit's
        /// num_images, and the first of several is the same file a single output would be.
        /// </summary>
        public static string ForOutput(string stem, int index) => index == 0 ? stem : stem + "_" + index;
    }
}
