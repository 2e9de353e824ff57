using System;
using System.IO;
using System.Management.Automation;
using Fashn.Client;
using Fashn.Client.ContactSheet;

namespace FashnBackground.Commands
{
    /// <summary>
    /// Writes one HTML page to review a batch: each input's original and new image side by side (thumbnails beside
    /// the page, full size one click away), its prompt, seed, model and status, and for a failure its error and what
    /// to do; a summary and a status filter at the top. The page needs no network and works from a copy of its folder.
    /// </summary>
    [Cmdlet(VerbsData.Export, "FashnContactSheet", SupportsShouldProcess = true)]
    [OutputType(typeof(FileInfo))]
    public sealed class ExportFashnContactSheetCommand : FashnCmdletBase
    {
        private ContactSheetModel? _sheet;
        private string? _page;

        /// <summary>The page to write, for example ./out/index.html; its folder is created if needed.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = "";

        /// <summary>Files from Save-FashnOutput, predictions, or error records of failed inputs.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true)]
        [ValidateNotNull]
        public PSObject[]? InputObject { get; set; }

        /// <summary>The page's heading.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Title { get; set; } = "FASHN contact sheet";

        /// <summary>Overwrite a page that already exists.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Write the page's FileInfo.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void BeginProcessing()
        {
            try
            {
                _page = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            }
            catch (Exception ex) when (ex is ProviderNotFoundException || ex is System.Management.Automation.DriveNotFoundException || ex is NotSupportedException || ex is ArgumentException)
            {
                ThrowTerminatingError(FashnErrorRecords.For(new FashnException(FashnErrorCodes.OutputNotSaved,
                    $"The path '{Path}' is not a file system path: {ex.Message}"), Path));
            }
            if (Directory.Exists(_page))
            {
                ThrowTerminatingError(FashnErrorRecords.For(new FashnException(FashnErrorCodes.OutputNotSaved,
                    $"'{_page}' is a folder. Give the page's file name, for example {System.IO.Path.Combine(Path, "index.html")}."), Path));
            }
            _sheet = new ContactSheetModel(Title);
        }

        protected override void ProcessRecord()
        {
            foreach (var input in InputObject!)
            {
                var entry = ContactSheetInput.ToEntry(input, out var problem);
                if (entry != null)
                {
                    _sheet!.Add(entry);
                    continue;
                }
                WriteError(FashnErrorRecords.For(new FashnException(FashnErrorCodes.InvalidArgument, problem!, category: FashnErrorCategory.InvalidType), input));
            }
        }

        protected override void EndProcessing()
        {
            var sheet = _sheet!;
            if (sheet.Entries.Count == 0)
            {
                WriteError(FashnErrorRecords.InvalidArgument(
                    "Nothing to put on the contact sheet, so no page was written. Pipe the files Save-FashnOutput writes " +
                    "(it writes none for files it kept: use its -Force), predictions, or error records.", _page));
                return;
            }
            if (File.Exists(_page) && !Force.IsPresent)
            {
                WriteWarning($"Kept the existing file '{_page}'; use -Force to overwrite it.");
                return;
            }
            var thumbnails = ContactSheetWriter.ThumbnailFolderFor(_page!);
            if (!ShouldProcess(_page, $"Write a contact sheet of {sheet.Entries.Count} input(s), with thumbnails in {thumbnails}")) return;

            ContactSheetResult result;
            try
            {
                result = RunToEnd(token => System.Threading.Tasks.Task.Run(() => ContactSheetWriter.Write(sheet, _page!, DateTimeOffset.Now,
                    (done, total) => QueueProgress(new ProgressRecord(1, "Export-FashnContactSheet", $"Thumbnail {done} of {total}")
                        { PercentComplete = total == 0 ? 100 : done * 100 / total }), token), token));
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                ThrowTerminatingError(FashnErrorRecords.For(new FashnException(FashnErrorCodes.OutputNotSaved,
                    $"Could not write the contact sheet '{_page}': {ex.Message} Check that the folder is writable and the disk has space.", innerException: ex), Path));
                return;
            }
            WriteProgress(new ProgressRecord(1, "Export-FashnContactSheet", "Done") { RecordType = ProgressRecordType.Completed });
            foreach (var warning in result.Warnings) WriteWarning(warning);
            WriteVerbose($"Wrote '{result.Page.FullName}' ({sheet.Entries.Count} inputs) and {result.Thumbnails} thumbnail(s) in '{result.ThumbnailFolder}'.");
            // The provider's item, as Get-Item gives it, so that it prints like Get-ChildItem's files.
            if (PassThru.IsPresent) WriteObject(InvokeProvider.Item.Get(new[] { result.Page.FullName }, false, true), enumerateCollection: true);
        }
    }
}
