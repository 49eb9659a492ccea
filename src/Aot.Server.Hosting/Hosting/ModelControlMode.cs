namespace Aot.Server.Hosting;

/// <summary><c>--model-control</c>: how the repository may change while the server runs (Triton's model control modes).</summary>
internal enum ModelControlMode
{
    /// <summary>Read once at start; a load failure stops start-up.</summary>
    None,

    /// <summary>Scanned every <c>--poll-secs</c>: new version folders load, removed ones unload, a changed config.json reloads.</summary>
    Poll,

    /// <summary>Changed only by <c>POST /v2/repository/models/{m}/load</c> and <c>/unload</c>.</summary>
    Explicit,
}
