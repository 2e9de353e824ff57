using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Fashn.Client.ContactSheet
{
    /// <summary>An image as the page shows it: a thumbnail linking to the full size, or a note saying why there is none.</summary>
    internal sealed class ImageCell
    {
        internal string Caption { get; set; } = "";
        internal string? FullSizeHref { get; set; }
        internal string? ThumbnailSrc { get; set; }
        internal string? Note { get; set; }
    }

    /// <summary>One entry with its links resolved, ready to render.</summary>
    internal sealed class EntryView
    {
        internal EntryView(ContactSheetEntry entry) => Entry = entry;
        internal ContactSheetEntry Entry { get; }
        internal ImageCell Original { get; set; } = new ImageCell();
        internal List<ImageCell> Outputs { get; } = new List<ImageCell>();
        internal string? Advice { get; set; }
    }

    /// <summary>
    /// Renders the page. Every piece of text that is not the page's own (titles, prompts, names, ids, errors, even
    /// statuses) goes through <see cref="Text"/>, and attributes are always double-quoted, so nothing a user or the
    /// server wrote can become markup; the Content-Security-Policy lets only the page's own style and script run.
    /// </summary>
    internal static class ContactSheetHtml
    {
        internal static string Render(string title, ContactSheetSummary summary, IReadOnlyList<EntryView> entries, DateTimeOffset writtenAt)
        {
            var html = new StringBuilder(4096 + entries.Count * 1500);
            html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"").Append(ContentSecurityPolicy).Append("\">\n")
                .Append("<meta name=\"generator\" content=\"FashnBackground Export-FashnContactSheet\">\n")
                .Append("<title>").Append(Text(title)).Append("</title>\n")
                .Append("<style>").Append(PageAssets.Style).Append("</style>\n</head>\n<body>\n<header>\n")
                .Append("<h1>").Append(Text(title)).Append("</h1>\n")
                .Append("<p class=\"summary\">").Append(Count(summary.Total, "input", "inputs")).Append(": ")
                .Append("<b data-count=\"completed\">").Append(summary.Completed).Append("</b> completed, ")
                .Append("<b data-count=\"failed\">").Append(summary.Failed).Append("</b> failed");
            if (summary.Unfinished > 0) html.Append(", <b data-count=\"unfinished\">").Append(summary.Unfinished).Append("</b> unfinished");
            html.Append("; <b data-count=\"credits\">").Append(summary.CreditsUsed).Append("</b> ")
                .Append(summary.CreditsUsed == 1 ? "credit" : "credits").Append(" used</p>\n")
                .Append("<p class=\"written\">Written ").Append(Text(writtenAt.ToString("yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture)))
                .Append(" by Export-FashnContactSheet. Click an image for its full size.</p>\n")
                .Append("<nav class=\"filter\" aria-label=\"Show\">\n");
            Filter(html, "all", "All", summary.Total, pressed: true);
            Filter(html, ContactSheetGroups.Completed, "Completed", summary.Completed);
            Filter(html, ContactSheetGroups.Failed, "Failed", summary.Failed);
            if (summary.Unfinished > 0) Filter(html, ContactSheetGroups.Unfinished, "Unfinished", summary.Unfinished);
            html.Append("</nav>\n</header>\n<main>\n");
            for (var i = 0; i < entries.Count; i++) Entry(html, entries[i], i + 1);
            html.Append("<p id=\"no-entries\"").Append(entries.Count > 0 ? " hidden" : "").Append(">Nothing to show.</p>\n")
                .Append("</main>\n<script>").Append(PageAssets.Script).Append("</script>\n</body>\n</html>\n");
            return html.ToString();
        }

        /// <summary>
        /// Nothing but the page's own style and script, and images from its own folder (file: when opened from disk).
        /// No network: no connections, fonts, frames or forms.
        /// </summary>
        internal static string ContentSecurityPolicy { get; } =
            "default-src 'none'; img-src 'self' file:; style-src '" + Hash(PageAssets.Style) + "'; script-src '" + Hash(PageAssets.Script) +
            "'; base-uri 'none'; form-action 'none'";

        /// <summary>HTML-escaped text: &amp;, &lt;, &gt;, both quotes, and every character WebUtility escapes.</summary>
        internal static string Text(string? value) => WebUtility.HtmlEncode(value ?? "");

        private static void Filter(StringBuilder html, string group, string label, int count, bool pressed = false) =>
            html.Append("<button type=\"button\" data-filter=\"").Append(group).Append("\" aria-pressed=\"").Append(pressed ? "true" : "false")
                .Append("\">").Append(label).Append(" (").Append(count).Append(")</button>\n");

        private static void Entry(StringBuilder html, EntryView view, int number)
        {
            var entry = view.Entry;
            var group = entry.Group;
            html.Append("<article class=\"entry\" id=\"entry-").Append(number).Append("\" data-status=\"").Append(group).Append("\">\n<div class=\"images\">\n");
            Image(html, view.Original, "original");
            foreach (var output in view.Outputs) Image(html, output, "output");
            html.Append("</div>\n<div class=\"details\">\n<h2><bdi>").Append(Text(DisplayName(entry.Source))).Append("</bdi>")
                .Append("<span class=\"status status-").Append(group).Append("\">").Append(Text(StatusText(entry))).Append("</span></h2>\n<dl>\n");
            Detail(html, "Source", entry.Source ?? "unknown");
            Detail(html, "Prompt", entry.Prompt);
            Detail(html, "Seed", entry.Seed?.ToString(CultureInfo.InvariantCulture));
            Detail(html, "Model", entry.ModelName);
            Detail(html, "Format", entry.OutputFormat);
            Detail(html, "Prediction", entry.PredictionId);
            Detail(html, "Credits", entry.CreditsUsed?.ToString(CultureInfo.InvariantCulture));
            if (entry.ErrorName != null || entry.ErrorMessage != null)
            {
                html.Append("<dt>Error</dt><dd class=\"error\"><code>").Append(Text(entry.ErrorName ?? "error")).Append("</code>");
                if (!string.IsNullOrEmpty(entry.ErrorMessage)) html.Append(": ").Append(Text(entry.ErrorMessage));
                html.Append("</dd>\n");
            }
            Detail(html, "What to do", view.Advice, "advice");
            html.Append("</dl>\n</div>\n</article>\n");
        }

        private static void Image(StringBuilder html, ImageCell cell, string kind)
        {
            html.Append("<figure class=\"").Append(kind).Append("\">");
            if (cell.ThumbnailSrc != null)
            {
                var image = "<img src=\"" + Text(cell.ThumbnailSrc) + "\" alt=\"" + Text(cell.Caption) + "\">";
                html.Append(cell.FullSizeHref != null ? "<a href=\"" + Text(cell.FullSizeHref) + "\">" + image + "</a>" : image);
            }
            else
            {
                var note = "<div class=\"none\">" + Text(cell.Note ?? "No image") + "</div>";
                html.Append(cell.FullSizeHref != null ? "<a href=\"" + Text(cell.FullSizeHref) + "\">" + note + "</a>" : note);
            }
            html.Append("<figcaption>").Append(Text(cell.Caption)).Append("</figcaption></figure>\n");
        }

        private static void Detail(StringBuilder html, string name, string? value, string? cssClass = null)
        {
            if (string.IsNullOrEmpty(value)) return;
            html.Append("<dt>").Append(name).Append("</dt><dd").Append(cssClass != null ? " class=\"" + cssClass + "\"" : "").Append('>')
                .Append(Text(value)).Append("</dd>\n");
        }

        /// <summary>The service's status; for an input that failed without one, whether a prediction was made.</summary>
        private static string StatusText(ContactSheetEntry entry) =>
            entry.Status ?? (entry.PredictionId != null ? PredictionStatuses.Failed : "not sent");

        /// <summary>A local file's name, a URL's last segment, or what is known.</summary>
        internal static string DisplayName(string? source)
        {
            if (string.IsNullOrEmpty(source)) return "Unknown input";
            var name = source!;
            var cut = Math.Max(name.LastIndexOf('/'), name.LastIndexOf('\\'));
            if (name.StartsWith("data:", StringComparison.OrdinalIgnoreCase) || cut < 0 || cut == name.Length - 1) return name;
            return name.Substring(cut + 1);
        }

        private static string Count(int n, string one, string many) => n.ToString(CultureInfo.InvariantCulture) + " " + (n == 1 ? one : many);

        private static string Hash(string asset)
        {
            using var sha = SHA256.Create();
            return "sha256-" + Convert.ToBase64String(sha.ComputeHash(Encoding.UTF8.GetBytes(asset)));
        }
    }
}
