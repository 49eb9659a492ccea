using System.Diagnostics;
using System.Globalization;
using Aot.Runtime;
using Aot.Protocol;

// Loads a model, prints its signature, fills every input with a deterministic pattern (symbolic dimensions
// set to 1, or to the value given as NAME=N), and times runs through the zero-allocation path.
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.Error.WriteLine("usage: aot-smoke MODEL.onnx [SYMBOL=N ...] [--runs N] [--threads N] [--global-pool] [--device cpu|cuda|auto]");
    return args.Length == 0 ? 2 : 0;
}

string path = args[0];
int runs = 100;
var options = new ModelOptions { Log = message => Console.Error.WriteLine(message) };
var symbols = new Dictionary<string, long>(StringComparer.Ordinal);
for (int i = 1; i < args.Length; i++)
{
    if (args[i] == "--runs" && i + 1 < args.Length)
    {
        runs = int.Parse(args[++i], CultureInfo.InvariantCulture);
    }
    else if (args[i] == "--threads" && i + 1 < args.Length)
    {
        options = options with { IntraOpThreads = int.Parse(args[++i], CultureInfo.InvariantCulture) };
    }
    else if (args[i] == "--global-pool")
    {
        options = options with { UseGlobalThreadPool = true };
    }
    else if (args[i] == "--device" && i + 1 < args.Length)
    {
        (DeviceKind kind, int id) = ModelOptions.ParseDevice(args[++i]);
        options = options with { Device = kind, DeviceId = id };
    }
    else if (args[i].Split('=') is [var name, var value])
    {
        symbols[name] = long.Parse(value, CultureInfo.InvariantCulture);
    }
    else
    {
        Console.Error.WriteLine($"aot-smoke: cannot read argument '{args[i]}'");
        return 2;
    }
}

try
{
    var loadTimer = Stopwatch.StartNew();
    using OnnxModel model = OnnxModel.Load(path, options);
    // A second model in the same process shares the global pool when one was asked for.
    using OnnxModel? second = options.UseGlobalThreadPool ? OnnxModel.Load(path, options) : null;
    loadTimer.Stop();
    ModelMetadata meta = model.Metadata;
    Console.WriteLine($"model   {model.Source}");
    Console.WriteLine($"device  {model.Device}    load {loadTimer.Elapsed.TotalMilliseconds:F1} ms    producer {meta.ProducerName ?? "-"}    threads {(options.UseGlobalThreadPool ? "global pool" : options.IntraOpThreads == 0 ? "ORT default" : options.IntraOpThreads.ToString(CultureInfo.InvariantCulture))}");
    foreach (TensorInfo input in meta.Inputs) Console.WriteLine($"input   {input}");
    foreach (TensorInfo output in meta.Outputs) Console.WriteLine($"output  {output}");

    using ModelRunner runner = model.CreateRunner();
    for (int i = 0; i < meta.Inputs.Count; i++)
    {
        TensorInfo input = meta.Inputs[i];
        long[] shape = input.Shape.Select(d => d.IsFixed ? d.Value : symbols.GetValueOrDefault(d.Symbol ?? "", 1)).ToArray();
        if (input.ElementType == ElementType.String)
        {
            runner.SetStringInput(i, Enumerable.Repeat("aot", (int)shape.Aggregate(1L, (a, b) => a * b)).ToArray(), shape);
            continue;
        }

        Span<byte> bytes = runner.GetInputBytes(i, shape);
        // Zeros and ones are valid for every element type, token ids, masks and segment ids included.
        bytes.Clear();
        if (input.ElementType == ElementType.Int64)
        {
            runner.GetInputBuffer<long>(i, shape).Fill(1);
        }
        else if (input.ElementType == ElementType.Float)
        {
            Span<float> values = runner.GetInputBuffer<float>(i, shape);
            for (int e = 0; e < values.Length; e++) values[e] = (e % 13) / 13f;
        }
    }

    // Two warm-up runs: the first may let ONNX Runtime allocate outputs whose shapes it alone knows; the
    // second binds them to pooled buffers with the shapes it learned (see docs/runtime.md).
    runner.Run();
    runner.Run();
    var timings = new double[runs];
    long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
    for (int r = 0; r < runs; r++)
    {
        long start = Stopwatch.GetTimestamp();
        runner.Run();
        timings[r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
    Array.Sort(timings);
    for (int o = 0; o < meta.Outputs.Count; o++)
    {
        Console.WriteLine($"result  {meta.Outputs[o].Name} shape [{string.Join(", ", runner.GetOutputShape(o).ToArray())}]");
    }

    if (second is not null)
    {
        using ModelRunner other = second.CreateRunner();
        for (int i = 0; i < meta.Inputs.Count; i++)
        {
            ReadOnlySpan<long> shape = runner.GetInputShape(i);
            runner.GetInputBytes(i, shape).CopyTo(other.GetInputBytes(i, shape));
        }

        other.Run();
        bool same = other.GetOutputBytes(0).SequenceEqual(runner.GetOutputBytes(0));
        Console.WriteLine($"shared  a second session on the global thread pool gives {(same ? "identical" : "DIFFERENT")} outputs");
        if (!same) return 1;
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"latency p50 {timings[runs / 2]:F3} ms  p90 {timings[runs * 9 / 10]:F3} ms  min {timings[0]:F3} ms over {runs} runs; managed bytes allocated {allocated}"));
    return 0;
}
catch (Exception ex) when (ex is ModelLoadException or ModelInputException or NotSupportedException or FormatException or InvalidOperationException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
{
    Console.Error.WriteLine($"aot-smoke: {ex.Message}");
    return 1;
}
