using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;

namespace Fashn.Client.ContactSheet
{
    /// <summary>What <see cref="ContactSheetWriter.Write"/> made.</summary>
    public sealed class ContactSheetResult
    {
        internal ContactSheetResult(FileInfo page, string thumbnailFolder, int thumbnails, IReadOnlyList<string> warnings)
        {
            Page = page;
            ThumbnailFolder = thumbnailFolder;
            Thumbnails = thumbnails;
            Warnings = warnings;
        }

        public FileInfo Page { get; }
        public string ThumbnailFolder { get; }
        public int Thumbnails { get; }

        /// <summary>Images that could not be shown (missing, unreadable); the page says so in their place.</summary>
        public IReadOnlyList<string> Warnings { get; }
    }

    /// <summary>
    /// Writes a contact sheet: the HTML page and, in a "thumbnails" folder beside it, a small copy of every original
    /// and new image, each linked to its full-size file by a path relative to the page.
    /// </summary>
    public static class ContactSheetWriter
    {
        public const string ThumbnailFolderName = "thumbnails";

        /// <summary>The folder the thumbnails of a page at <paramref name="pagePath"/> go to.</summary>
        public static string ThumbnailFolderFor(string pagePath) =>
            Path.Combine(Path.GetDirectoryName(Path.GetFullPath(pagePath))!, ThumbnailFolderName);

        /// <summary>
        /// Writes the page to <paramref name="pagePath"/> (replacing one that exists: the caller decides whether it may),
        /// creating its folder. The page is written to a temporary name and renamed into place, so a stopped or failed
        /// write leaves the old page or none, never half of one.
        /// </summary>
        /// <param name="progress">Called with (images done, images in all) as thumbnails are made.</param>
        public static ContactSheetResult Write(ContactSheetModel sheet, string pagePath, DateTimeOffset writtenAt,
            Action<int, int>? progress = null, CancellationToken cancellationToken = default)
        {
            if (sheet == null) throw new ArgumentNullException(nameof(sheet));
            var page = Path.GetFullPath(pagePath);
            var pageFolder = Path.GetDirectoryName(page)!;
            Directory.CreateDirectory(pageFolder);
            var thumbnailFolder = ThumbnailFolderFor(page);
            var thumbnailer = new Thumbnailer(thumbnailFolder);
            var warnings = new List<string>();
            var views = new List<EntryView>();
            var total = 0;
            foreach (var entry in sheet.Entries) total += (IsLocalFile(entry.Source) ? 1 : 0) + entry.OutputFiles.Count;
            var done = 0;
            var thumbnails = 0;

            ImageCell Picture(string file, string caption)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var cell = new ImageCell { Caption = caption };
                try
                {
                    if (!File.Exists(file))
                    {
                        cell.Note = $"'{Path.GetFileName(file)}' is no longer at {Path.GetDirectoryName(file)}.";
                        warnings.Add($"'{file}' does not exist; the page shows a note in its place.");
                        return cell;
                    }
                    cell.FullSizeHref = RelativeLink.From(pageFolder, file);
                    cell.ThumbnailSrc = RelativeLink.From(pageFolder, thumbnailer.Make(file, cancellationToken));
                    thumbnails++;
                }
                catch (FashnException ex)
                {
                    // Not an image that can be decoded (the input that failed for it, usually): the page links the file itself.
                    cell.Note = "No preview of '" + Path.GetFileName(file) + "'";
                    warnings.Add($"No thumbnail for '{file}': {ex.Message}");
                }
                finally
                {
                    progress?.Invoke(++done, total);
                }
                return cell;
            }

            foreach (var entry in sheet.Entries)
            {
                var view = new EntryView(entry);
                view.Original = IsLocalFile(entry.Source)
                    ? Picture(entry.Source!, "Original")
                    : new ImageCell { Caption = "Original", Note = OriginalNote(entry.Source) };
                foreach (var output in entry.OutputFiles) view.Outputs.Add(Picture(output, "New"));
                if (entry.OutputFiles.Count == 0) view.Outputs.Add(new ImageCell { Caption = "New", Note = NoOutputNote(entry) });
                view.Advice = Advice(entry);
                views.Add(view);
            }

            var html = ContactSheetHtml.Render(sheet.Title, sheet.Summarize(), views, writtenAt);
            WriteWhole(page, html);
            return new ContactSheetResult(new FileInfo(page), thumbnailFolder, thumbnails, warnings);
        }

        /// <summary>What to do about an entry that did not give a new image; null when it did.</summary>
        internal static string? Advice(ContactSheetEntry entry)
        {
            switch (entry.Group)
            {
                case ContactSheetGroups.Failed:
                    var advice = FashnErrorCatalogue.PredictionFailureAdvice(entry.ErrorName);
                    if (advice.Length == 0) return "Fix the cause given above, then run Invoke-FashnBackgroundChange for this input again.";
                    return entry.ErrorMessage != null && entry.ErrorMessage.Contains(advice) ? null : advice;
                case ContactSheetGroups.Unfinished:
                    return $"It is still running at FASHN: collect it with Get-FashnPrediction -Id {entry.PredictionId} -Wait | Save-FashnOutput.";
                default:
                    return entry.OutputFiles.Count == 0
                        ? $"Save it within 72 hours: Get-FashnPrediction -Id {entry.PredictionId} | Save-FashnOutput, then write the sheet again."
                        : null;
            }
        }

        private static string OriginalNote(string? source)
        {
            if (string.IsNullOrEmpty(source)) return "The original is not known (the prediction was looked up by id).";
            if (source!.StartsWith("data:", StringComparison.OrdinalIgnoreCase) || source == "data URI") return "The original was sent as a data URI.";
            if (source.StartsWith("http:", StringComparison.OrdinalIgnoreCase) || source.StartsWith("https:", StringComparison.OrdinalIgnoreCase))
            {
                return "The original is at a URL, not shown offline.";
            }
            return $"'{ContactSheetHtml.DisplayName(source)}' is no longer there.";
        }

        private static string NoOutputNote(ContactSheetEntry entry) =>
            entry.Group == ContactSheetGroups.Completed ? "Not saved yet"
            : entry.Group == ContactSheetGroups.Unfinished ? "Not finished yet"
            : "No new image";

        /// <summary>A local file that exists: only these get a thumbnail and a link.</summary>
        private static bool IsLocalFile(string? source) =>
            !string.IsNullOrEmpty(source) && Path.IsPathRooted(source) && !source!.StartsWith("http:", StringComparison.OrdinalIgnoreCase) &&
            !source.StartsWith("https:", StringComparison.OrdinalIgnoreCase) && !source.StartsWith("data:", StringComparison.OrdinalIgnoreCase) && File.Exists(source);

        private static void WriteWhole(string page, string html)
        {
            var temporary = Path.Combine(Path.GetDirectoryName(page)!, "." + Path.GetFileName(page) + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".partial");
            try
            {
                File.WriteAllText(temporary, html, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
                if (File.Exists(page)) File.Replace(temporary, page, null);
                else File.Move(temporary, page);
            }
            finally
            {
                if (File.Exists(temporary)) File.Delete(temporary);
            }
        }
    }
}
