using System;
using System.IO;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.InteropServices;

namespace FashnBackground
{
    /// <summary>
    /// Runs when the module is imported. The cmdlets live in the default context; their dependencies are kept in the
    /// module's "dependencies" folder, out of PowerShell's way, and loaded from there:
    /// on PowerShell 7 through an AssemblyLoadContext of their own (FashnBackground.Isolation.dll),
    /// on Windows PowerShell 5.1 through an AssemblyResolve handler.
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer
    {
        private static readonly object Gate = new object();
        private static bool _initialized;

        internal static string DependencyFolder =>
            Path.Combine(Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!, "dependencies");

        public void OnImport()
        {
            lock (Gate)
            {
                if (_initialized) return;
                _initialized = true;
            }
            var folder = DependencyFolder;
            if (RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal))
            {
                AppDomain.CurrentDomain.AssemblyResolve += (_, args) => ResolveOnNetFramework(folder, args);
                PreloadSkiaOnWindows(folder);
                return;
            }
            var isolation = Assembly.LoadFrom(Path.Combine(folder, "FashnBackground.Isolation.dll"));
            var register = isolation.GetType("FashnBackground.Isolation.DependencyLoadContext", throwOnError: true)!
                .GetMethod("Register", BindingFlags.Public | BindingFlags.Static)!;
            register.Invoke(null, new object[] { folder });
        }

        private static Assembly? ResolveOnNetFramework(string folder, ResolveEventArgs args)
        {
            var name = new AssemblyName(args.Name).Name;
            var path = Path.Combine(folder, name + ".dll");
            return File.Exists(path) ? Assembly.LoadFrom(path) : null;
        }

        /// <summary>
        /// Windows PowerShell finds native libraries only next to powershell.exe; loading SkiaSharp's native library by
        /// full path first makes its later lookup by name succeed.
        /// </summary>
        private static void PreloadSkiaOnWindows(string folder)
        {
            var rid = RuntimeInformation.ProcessArchitecture switch
            {
                Architecture.Arm64 => "win-arm64",
                Architecture.X86 => "win-x86",
                _ => "win-x64",
            };
            var path = Path.Combine(folder, "runtimes", rid, "native", "libSkiaSharp.dll");
            if (File.Exists(path)) LoadLibrary(path);
        }

        [DllImport("kernel32", CharSet = CharSet.Unicode, SetLastError = true)]
        private static extern IntPtr LoadLibrary(string path);
    }
}
