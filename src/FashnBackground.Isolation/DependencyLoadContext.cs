using System;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace FashnBackground.Isolation
{
    /// <summary>
    /// PowerShell 7 loads every module into one context and already carries its own System.Text.Json. The module's
    /// client core and its dependencies (System.Text.Json, SkiaSharp) live in this context instead, loaded from the
    /// module's dependencies folder, so that a different version elsewhere in the process cannot break the module
    /// and the module cannot break anyone else. Framework assemblies and PowerShell itself still come from the default context.
    /// </summary>
    public sealed class DependencyLoadContext : AssemblyLoadContext
    {
        /// <summary>The one assembly the cmdlets reference directly; everything else is reached through it.</summary>
        private const string EntryAssemblyName = "Fashn.Client";

        private static readonly object Gate = new object();
        private static DependencyLoadContext? _instance;
        private readonly string _dependencyFolder;

        private DependencyLoadContext(string dependencyFolder)
            : base("FashnBackground", isCollectible: false)
        {
            _dependencyFolder = dependencyFolder;
        }

        /// <summary>Called once from the module's import: routes the client core into this context.</summary>
        public static void Register(string dependencyFolder)
        {
            lock (Gate)
            {
                if (_instance != null) return;
                _instance = new DependencyLoadContext(dependencyFolder);
                Default.Resolving += (_, name) =>
                    string.Equals(name.Name, EntryAssemblyName, StringComparison.Ordinal) ? _instance.LoadFromAssemblyName(name) : null;
            }
        }

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            var path = Path.Combine(_dependencyFolder, assemblyName.Name + ".dll");
            // Not shipped with the module (the framework, System.Management.Automation): the default context has it.
            if (!File.Exists(path)) return null;
            // The framework's own copy wins when it is at least as new as the one asked for: the netstandard2.0
            // polyfills the module ships (System.Memory, System.Buffers, ...) must not duplicate the runtime's types.
            // Anything else the module ships (a newer System.Text.Json, SkiaSharp, the client core) comes from its folder.
            var frameworkVersion = FrameworkVersionOf(assemblyName.Name!);
            if (frameworkVersion != null && frameworkVersion >= (assemblyName.Version ?? new Version(0, 0))) return null;
            return LoadFromAssemblyPath(path);
        }

        /// <summary>The version of an assembly the host process was started with (its trusted platform assemblies), if any.</summary>
        private static Version? FrameworkVersionOf(string name)
        {
            var list = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? "";
            foreach (var candidate in list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                if (!string.Equals(Path.GetFileNameWithoutExtension(candidate), name, StringComparison.OrdinalIgnoreCase)) continue;
                try
                {
                    return AssemblyName.GetAssemblyName(candidate).Version;
                }
                catch (Exception ex) when (ex is BadImageFormatException || ex is IOException)
                {
                    return null; // not a managed assembly: no framework copy to prefer
                }
            }
            return null;
        }

        protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
        {
            foreach (var rid in RuntimeIdentifiers())
            {
                foreach (var fileName in NativeFileNames(unmanagedDllName))
                {
                    var path = Path.Combine(_dependencyFolder, "runtimes", rid, "native", fileName);
                    if (File.Exists(path)) return LoadUnmanagedDllFromPath(path);
                }
            }
            return IntPtr.Zero;
        }

        private static string[] RuntimeIdentifiers()
        {
            var arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return new[] { "win-" + arch };
            if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX)) return new[] { "osx", "osx-" + arch };
            var musl = File.Exists("/etc/alpine-release");
            return musl ? new[] { "linux-musl-" + arch, "linux-" + arch } : new[] { "linux-" + arch, "linux-musl-" + arch };
        }

        private static string[] NativeFileNames(string name)
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return new[] { name, name + ".dll" };
            if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX)) return new[] { name, name + ".dylib", "lib" + name + ".dylib" };
            return new[] { name, name + ".so", "lib" + name + ".so" };
        }
    }
}
