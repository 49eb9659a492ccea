using System.CommandLine;
using Aot.Server.Cli;
using Aot.Server.Hosting;

// The `aot` executable: the server library's commands and the model tools under one root. Serving lives in
// Aot.Server.Hosting, quantization in Aot.Quantization.
var root = new RootCommand("aot: a native-AOT inference server for ONNX models.")
{
    AotCommandLine.Serve(),
    AotCommandLine.Inspect(),
    QuantizeCommand.Create(),
    OptimizeCommand.Create(),
    TuneCommand.Create(),
};
return root.Parse(args).Invoke();
