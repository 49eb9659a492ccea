namespace Aot.Server.Batching;

/// <summary>How <see cref="DynamicBatcher.Submit"/> dealt with a request.</summary>
internal enum SubmitResult
{
    /// <summary>Invalid, or refused (queue full, stopping): already answered through <see cref="InferenceRequest.OnFailed"/>.</summary>
    Refused,

    /// <summary>Queued: a worker will answer it.</summary>
    Queued,

    /// <summary>Run inline on the calling thread (the model was idle): already answered.</summary>
    Completed,
}
