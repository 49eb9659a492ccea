using System.CommandLine;
using Aot.Server.Cli;
using Aot.Server.Compiled;

namespace Aot.Server.Hosting;

/// <summary>
/// Runs the Aot server with models compiled in: the whole of <c>aot serve</c> (HTTP KServe V2 and TF Serving,
/// the binary protocol on TCP and Unix sockets, dynamic batching, metrics, graceful shutdown) in the user's own
/// executable, which <c>dotnet publish -p:PublishAot=true</c> makes one native binary.
/// </summary>
/// <example>
/// <code>
/// // Program.cs of a project with &lt;AdditionalFiles Include="all-MiniLM-L6-v2.onnx" AotServe="true" ServeName="minilm" /&gt;
/// return Aot.Server.Hosting.AotServer.Run(args, new AllMiniLmL6V2.Serving());
/// </code>
/// </example>
public static class AotServer
{
    /// <summary>
    /// Parses <paramref name="args"/> (every <c>aot serve</c> option; a leading <c>serve</c> is optional) and serves
    /// <paramref name="models"/> until SIGTERM / Ctrl-C. <c>--model NAME=PATH</c> with a compiled model's name gives its
    /// file (checked against the compiled signature); other names, and <c>--repository</c>, are served as
    /// <c>aot serve</c> serves them. <c>inspect PATH</c> works as in <c>aot</c>.
    /// </summary>
    /// <param name="args">The command line.</param>
    /// <param name="models">The compiled-in models (<c>MyModel.Serving</c> instances).</param>
    /// <returns>The process exit code: 0 after a clean shutdown, 1 when start-up fails (the reason is printed).</returns>
    public static int Run(string[] args, params CompiledModel[] models)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(models);
        CompiledModel[] compiled = [.. models];
        var root = new RootCommand("An Aot inference server with compiled-in models: " + string.Join(", ", compiled.Select(static m => m.Name)) + ".")
        {
            ServeCommand.Create(options => ServerHost.Run(options, log => CompiledModelLoader.Load(compiled, options, log))),
            InspectCommand.Create(),
        };
        string[] line = args.Length > 0 && args[0] is "serve" or "inspect" ? args : ["serve", .. args];
        return root.Parse(line).Invoke();
    }
}
