using System.Runtime.InteropServices;
using Fashn.Emulator;

EmulatorOptions? options;
try
{
    options = EmulatorCommandLine.Parse(args, out bool showHelp);
    if (showHelp)
    {
        Console.Write(EmulatorCommandLine.HelpText());
        return 0;
    }
}
catch (ArgumentException exception)
{
    Console.Error.WriteLine(exception.Message);
    return 2;
}

EmulatorServer server;
try
{
    server = await EmulatorServer.StartAsync(options!);
}
catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or IOException)
{
    // A bad option, a data folder held by another emulator, a port in use.
    Console.Error.WriteLine(exception.Message);
    return 2;
}

Console.WriteLine($"FASHN emulator listening on {server.BaseUri.AbsoluteUri.TrimEnd('/')}");
Console.WriteLine($"API key: {server.Options.ApiKey}");
Console.WriteLine($"Stats: {server.BaseUri}_emulator/stats  (Ctrl+C stops)");

var stop = new TaskCompletionSource();
Console.CancelKeyPress += (_, eventArgs) =>
{
    eventArgs.Cancel = true;
    stop.TrySetResult();
};
// SIGTERM (docker stop, kill) stops cleanly too, so a temporary data folder is removed.
using PosixSignalRegistration terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.TrySetResult();
});
await stop.Task;
await server.StopAsync();
return 0;
