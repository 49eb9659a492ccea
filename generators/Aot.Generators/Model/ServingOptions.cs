namespace Aot.Generators.Model;

/// <summary>
/// What a model's item metadata asks for beyond the typed class: a server adapter (<c>AotServe="true"</c>), a typed
/// binary-protocol client (<c>AotClient="true"</c>) and the model file embedded in the assembly (<c>Embed="true"</c>).
/// </summary>
/// <param name="Serve">Emit <c>X.Serving</c>, the compiled-in request path for <c>Aot.Server.Hosting</c>.</param>
/// <param name="Client">Emit <c>X.Client</c>, a typed request over <c>Aot.Client.Typed</c>.</param>
/// <param name="ServeName">The model's name on the server (<c>ServeName</c> metadata, else the file name without <c>.onnx</c>).</param>
/// <param name="EmbeddedResource">The manifest resource holding the model bytes (set by the build targets for <c>Embed="true"</c>), or null.</param>
internal sealed record ServingOptions(bool Serve, bool Client, string ServeName, string? EmbeddedResource)
{
    public static ServingOptions None { get; } = new(false, false, "", null);

    public bool Any => Serve || Client || EmbeddedResource is not null;
}
