// Writes one journal through the client core, as a command of the module does, so that a test can run two of these
// at once on the same journal. It prints "ready" once started and begins only when it reads "go" on its input, so
// that both processes really run together.
//
//   append <journal> <count> <prefix>   opens the journal, then records <count> started predictions (saying so after 100)
//   open <journal> <prefix>             opens the journal (which tidies a large one), then records one
using Fashn.Client;

if (args.Length < 3)
{
    Console.Error.WriteLine("usage: append <journal> <count> <prefix> | open <journal> <prefix>");
    return 2;
}

var (command, path) = (args[0], args[1]);
Console.WriteLine("ready");
if (Console.ReadLine() != "go") return 3;

var journal = new PredictionJournal(path);
switch (command)
{
    case "append":
        var count = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
        var prefix = args[3];
        for (var i = 0; i < count; i++)
        {
            journal.RecordSubmitted($"{prefix}-{i}", $"{prefix}-id-{i}", $"/photos/{prefix}/{i}.png");
            if (i == 99) Console.WriteLine("recorded 100");
        }
        break;
    case "open":
        journal.RecordSubmitted(args[2], args[2] + "-id", "/photos/" + args[2] + ".png");
        break;
    default:
        Console.Error.WriteLine("unknown command " + command);
        return 2;
}
Console.WriteLine("done");
return 0;
