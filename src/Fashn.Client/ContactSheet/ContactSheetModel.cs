using System;
using System.Collections.Generic;
using System.Linq;

namespace Fashn.Client.ContactSheet
{
    /// <summary>
    /// The inputs of a contact sheet, one entry per prediction: a prediction piped twice, or piped with its saved
    /// files, is one entry. Inputs that failed before a prediction was made are one entry per source.
    /// </summary>
    public sealed class ContactSheetModel
    {
        private readonly List<ContactSheetEntry> _entries = new List<ContactSheetEntry>();
        private readonly Dictionary<string, ContactSheetEntry> _byKey = new Dictionary<string, ContactSheetEntry>(StringComparer.Ordinal);

        public ContactSheetModel(string title)
        {
            Title = title ?? throw new ArgumentNullException(nameof(title));
        }

        /// <summary>The page's heading.</summary>
        public string Title { get; }

        /// <summary>In the order they were first added.</summary>
        public IReadOnlyList<ContactSheetEntry> Entries => _entries;

        public void Add(ContactSheetEntry entry)
        {
            if (entry == null) throw new ArgumentNullException(nameof(entry));
            var key = entry.PredictionId != null ? "id:" + entry.PredictionId
                : entry.Source != null ? "source:" + entry.Source
                : null;
            if (key != null && _byKey.TryGetValue(key, out var known))
            {
                known.MergeFrom(entry);
                return;
            }
            if (key != null) _byKey[key] = entry;
            _entries.Add(entry);
        }

        public ContactSheetSummary Summarize() => new ContactSheetSummary(
            _entries.Count,
            _entries.Count(e => e.Group == ContactSheetGroups.Completed),
            _entries.Count(e => e.Group == ContactSheetGroups.Failed),
            _entries.Count(e => e.Group == ContactSheetGroups.Unfinished),
            _entries.Sum(e => e.CreditsUsed ?? 0));
    }

    /// <summary>The counts at the top of the page.</summary>
    public sealed class ContactSheetSummary
    {
        public ContactSheetSummary(int total, int completed, int failed, int unfinished, int creditsUsed)
        {
            Total = total;
            Completed = completed;
            Failed = failed;
            Unfinished = unfinished;
            CreditsUsed = creditsUsed;
        }

        public int Total { get; }
        public int Completed { get; }
        public int Failed { get; }
        public int Unfinished { get; }

        /// <summary>The credits the service reported for these predictions (failed ones are not billed).</summary>
        public int CreditsUsed { get; }
    }
}
