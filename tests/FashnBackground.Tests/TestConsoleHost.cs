using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;
using System.Text;

namespace FashnBackground.Tests;

/// <summary>
/// A console stand-in, 120 columns wide unless told otherwise: what cmdlets and the formatter write straight to the host (tables from
/// Out-Default, or warnings after Ctrl+C, when the pipeline takes no more records) is kept for the tests to read.
/// </summary>
public sealed class TestConsoleHost : PSHost
{
    private readonly TestConsoleUI _ui;

    public TestConsoleHost(int width = 120)
    {
        _ui = new TestConsoleUI(width);
    }

    /// <summary>Everything written to the console, in order.</summary>
    public string Text => _ui.Text;

    public IReadOnlyList<string> WarningLines => _ui.WarningLines;

    public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;
    public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;
    public override Guid InstanceId { get; } = Guid.NewGuid();
    public override string Name => "FashnTestHost";
    public override PSHostUserInterface UI => _ui;
    public override Version Version => new(1, 0);
    public override void EnterNestedPrompt() => throw new NotSupportedException();
    public override void ExitNestedPrompt() => throw new NotSupportedException();
    public override void NotifyBeginApplication() { }
    public override void NotifyEndApplication() { }
    public override void SetShouldExit(int exitCode) { }

    private sealed class TestConsoleUI : PSHostUserInterface
    {
        private readonly StringBuilder _text = new();
        private readonly List<string> _warnings = new();
        private readonly FixedSizeRawUI _raw;

        public TestConsoleUI(int width)
        {
            _raw = new FixedSizeRawUI(width);
        }

        public string Text { get { lock (_text) return _text.ToString(); } }
        public IReadOnlyList<string> WarningLines { get { lock (_text) return _warnings.ToList(); } }

        public override PSHostRawUserInterface RawUI => _raw;
        private void Append(string value) { lock (_text) _text.Append(value); }
        public override void Write(string value) => Append(value);
        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Append(value);
        public override void WriteLine(string value) => Append(value + "\n");
        public override void WriteErrorLine(string value) => Append(value + "\n");
        public override void WriteWarningLine(string message)
        {
            lock (_text)
            {
                _warnings.Add(message);
                _text.Append("WARNING: " + message + "\n");
            }
        }
        public override void WriteVerboseLine(string message) => Append("VERBOSE: " + message + "\n");
        public override void WriteDebugLine(string message) { }
        public override void WriteProgress(long sourceId, ProgressRecord record) { }
        public override Dictionary<string, PSObject> Prompt(string caption, string message, System.Collections.ObjectModel.Collection<FieldDescription> descriptions) => throw new NotSupportedException();
        public override int PromptForChoice(string caption, string message, System.Collections.ObjectModel.Collection<ChoiceDescription> choices, int defaultChoice) => throw new NotSupportedException();
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) => throw new NotSupportedException();
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) => throw new NotSupportedException();
        public override string ReadLine() => throw new NotSupportedException();
        public override SecureString ReadLineAsSecureString() => throw new NotSupportedException();
    }

    /// <summary>A console of a fixed width (120 or 80 columns), the width the formatter lays tables out for.</summary>
    private sealed class FixedSizeRawUI : PSHostRawUserInterface
    {
        private readonly int _width;

        public FixedSizeRawUI(int width)
        {
            _width = width;
        }

        public override ConsoleColor BackgroundColor { get; set; }
        public override ConsoleColor ForegroundColor { get; set; }
        public override Size BufferSize { get => new(_width, 3000); set { } }
        public override Coordinates CursorPosition { get; set; }
        public override int CursorSize { get; set; }
        public override bool KeyAvailable => false;
        public override Size MaxPhysicalWindowSize => new(_width, 50);
        public override Size MaxWindowSize => new(_width, 50);
        public override Coordinates WindowPosition { get; set; }
        public override Size WindowSize { get => new(_width, 50); set { } }
        public override string WindowTitle { get; set; } = "";
        public override void FlushInputBuffer() { }
        public override BufferCell[,] GetBufferContents(Rectangle rectangle) => throw new NotSupportedException();
        public override KeyInfo ReadKey(ReadKeyOptions options) => throw new NotSupportedException();
        public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill) { }
        public override void SetBufferContents(Coordinates origin, BufferCell[,] contents) { }
        public override void SetBufferContents(Rectangle rectangle, BufferCell fill) { }
    }
}
