namespace Fashn.Client
{
    /// <summary>
    /// How outputs are named: the first of a prediction after its input, the others numbered after it; an output whose
    /// name another one took in the same save, as a copy.
    /// </summary>
    public static class OutputFileNames
    {
        /// <summary>
        /// The file name without extension of output <paramref name="index"/> (0-based) of an input named
        /// <paramref name="stem"/>: photo, photo_1, photo_2, ... A prediction with one output is named as before edit's
        /// num_images, and the first of several is the same file a single output would be.
        /// </summary>
        public static string ForOutput(string stem, int index) => index == 0 ? stem : stem + "_" + index;

        /// <summary>
        /// Copy <paramref name="copy"/> (2, 3, ...) of a name already given to another output in one save: "photo (2)",
        /// as Explorer and Finder name copies, so it is never taken for another output of one prediction (photo_2).
        /// </summary>
        public static string ForCopy(string outputStem, int copy) => outputStem + " (" + copy + ")";
    }
}
