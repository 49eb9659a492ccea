using System.CommandLine;
using Aot.Server.Hosting;

// The `aot` executable: the server library's commands under one root. Everything else lives in Aot.Server.Hosting.
var root = new RootCommand("aot: a native-AOT inference server for ONNX models.")
{
    AotCommandLine.Serve(),
    AotCommandLine.Inspect(),
};
return root.Parse(args).Invoke();
