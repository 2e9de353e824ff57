using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Management.Automation;
using Fashn.Client;

namespace FashnBackground
{
    /// <summary>
    /// Turns -Path (wildcards) and -LiteralPath values into file system paths through the session's providers, the
    /// way built-in cmdlets do; a path that resolves to nothing is an error for that path, written on the pipeline thread.
    /// </summary>
    internal static class InputPathResolver
    {
        public static IEnumerable<(string path, object target)> ResolveWildcard(PSCmdlet cmdlet, string path)
        {
            Collection<string> resolved;
            ProviderInfo provider;
            try
            {
                resolved = cmdlet.GetResolvedProviderPathFromPSPath(path, out provider);
            }
            catch (ItemNotFoundException)
            {
                cmdlet.WriteError(NotFound(path));
                yield break;
            }
            catch (Exception ex) when (ex is ProviderNotFoundException || ex is DriveNotFoundException || ex is ArgumentException || ex is NotSupportedException)
            {
                cmdlet.WriteError(NotReadable(path, ex.Message));
                yield break;
            }
            if (provider.Name != "FileSystem")
            {
                cmdlet.WriteError(NotReadable(path, $"'{path}' is not a file system path."));
                yield break;
            }
            if (resolved.Count == 0)
            {
                cmdlet.WriteError(NotFound(path));
                yield break;
            }
            foreach (var item in resolved) yield return (item, item);
        }

        public static IEnumerable<(string path, object target)> ResolveLiteral(PSCmdlet cmdlet, string path)
        {
            string resolved;
            try
            {
                resolved = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out var provider, out _);
                if (provider.Name != "FileSystem")
                {
                    cmdlet.WriteError(NotReadable(path, $"'{path}' is not a file system path."));
                    yield break;
                }
            }
            catch (Exception ex) when (ex is ProviderNotFoundException || ex is DriveNotFoundException || ex is ArgumentException || ex is NotSupportedException || ex is ItemNotFoundException)
            {
                cmdlet.WriteError(NotReadable(path, ex.Message));
                yield break;
            }
            yield return (resolved, resolved);
        }

        public static ErrorRecord NotFound(string path, object? target = null) =>
            FashnErrorRecords.For(new FashnException(FashnErrorCodes.InputNotReadable,
                    $"Cannot find the file '{path}'. Check the path; for names with [ ] or * use -LiteralPath.", category: FashnErrorCategory.ObjectNotFound),
                target ?? path);

        public static ErrorRecord NotReadable(string path, string reason) =>
            FashnErrorRecords.For(new FashnException(FashnErrorCodes.InputNotReadable, $"Cannot read '{path}': {reason}"), path);
    }
}
