namespace Aot.Server.Models;

/// <summary>Where one model version is in its life (the repository index, TF Serving's status route, <c>aot_model_state</c>).</summary>
internal enum ModelVersionState
{
    /// <summary>Being loaded and warmed up; not served yet.</summary>
    Loading,

    /// <summary>Served: in the repository's snapshot.</summary>
    Ready,

    /// <summary>Out of the snapshot; requests that found it still finish on it, then it is freed.</summary>
    Unloading,

    /// <summary>Not served: failed to load or warm up (see its reason), or unloaded.</summary>
    Unavailable,
}

/// <summary>The names each protocol gives a <see cref="ModelVersionState"/>.</summary>
internal static class ModelVersionStates
{
    public static IReadOnlyList<ModelVersionState> All { get; } = Enum.GetValues<ModelVersionState>();

    /// <summary>KServe / Triton repository extension (and the <c>state</c> label of <c>aot_model_state</c>).</summary>
    public static string KServeName(ModelVersionState state) => state switch
    {
        ModelVersionState.Loading => "LOADING",
        ModelVersionState.Ready => "READY",
        ModelVersionState.Unloading => "UNLOADING",
        _ => "UNAVAILABLE",
    };

    /// <summary>TF Serving's <c>model_version_status.state</c>.</summary>
    public static string TfServingName(ModelVersionState state) => state switch
    {
        ModelVersionState.Loading => "LOADING",
        ModelVersionState.Ready => "AVAILABLE",
        ModelVersionState.Unloading => "UNLOADING",
        _ => "END",
    };
}
