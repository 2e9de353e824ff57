using System.Runtime.CompilerServices;

/// <summary>
/// The cmdlets keep each key's machine-wide places and rate windows in a folder of the user's profile
/// (LocalApplicationData/FashnBackground/keys). Tests must leave the profile as it was: for this test process that
/// folder is a temporary one (FASHN_KEYS_FOLDER, which child processes inherit), deleted when the process ends.
/// </summary>
internal static class KeysFolderForTests
{
    public static string Path { get; private set; } = "";

    [ModuleInitializer]
    internal static void UseTemporaryKeysFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "fashn-test-keys-" + Guid.NewGuid().ToString("N")[..10]);
        Environment.SetEnvironmentVariable("FASHN_KEYS_FOLDER", Path);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
                // A child process still holding a place file: nothing more to do as the runner exits.
            }
        };
    }
}
