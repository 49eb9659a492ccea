namespace Aot.LoadGen.Results;

/// <summary>How long ONNX Runtime takes to load a model in process (the "model load" part of a cold start).</summary>
internal sealed record ModelLoadRecord(string Model, string Path, double FileMb, double LoadMs);
