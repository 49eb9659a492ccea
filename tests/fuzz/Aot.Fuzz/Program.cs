using Aot.Fuzz;
using SharpFuzz;

// aot-fuzz TARGET                   run under afl-fuzz (tests/fuzz/run.sh): one input per afl-fuzz execution
// aot-fuzz TARGET --replay PATH...  run files (or every file of folders) once each, print each outcome; exit 1 on a crash
// aot-fuzz --list                   the target names
// aot-fuzz --write-seeds CORPUS      write the request targets' generated seeds (Seeds.cs)
if (args is ["--write-seeds", string corpus])
{
    Seeds.Write(corpus);
    return 0;
}

if (args is ["--list"])
{
    Console.WriteLine(string.Join('\n', FuzzTargets.Names));
    return 0;
}

if (args.Length == 0 || !FuzzTargets.Names.Contains(args[0]) || (args.Length > 1 && args[1] != "--replay"))
{
    Console.Error.WriteLine($"usage: Aot.Fuzz TARGET [--replay PATH...] | --list   (targets: {string.Join(", ", FuzzTargets.Names)})");
    return 2;
}

string name = args[0];
if (args.Length > 1)
{
    return Replay.Run(FuzzTargets.Get(name), args[2..], Console.Out);
}

// The target (and its models) is created in the process that runs inputs: afl-fuzz restarts that one after a crash.
Fuzzer.OutOfProcess.Run(stream =>
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    FuzzTargets.Get(name).Run(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
});
return 0;
