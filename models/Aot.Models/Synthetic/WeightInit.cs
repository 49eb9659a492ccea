namespace Aot.Models.Synthetic;

/// <summary>
/// Bounds of the uniform distributions used to initialise weights, chosen so activations keep roughly unit
/// variance through deep stacks and outputs stay finite and informative (not all zeros, not huge).
/// </summary>
internal static class WeightInit
{
    /// <summary>He/Kaiming uniform, for layers followed by ReLU: U(±sqrt(6 / fanIn)).</summary>
    public static float He(long fanIn) => MathF.Sqrt(6f / fanIn);

    /// <summary>Glorot/Xavier uniform, for linear layers: U(±sqrt(6 / (fanIn + fanOut))).</summary>
    public static float Xavier(long fanIn, long fanOut) => MathF.Sqrt(6f / (fanIn + fanOut));

    /// <summary>PyTorch's default for biases and LSTM weights: U(±1 / sqrt(fan)).</summary>
    public static float InverseSqrt(long fan) => 1f / MathF.Sqrt(fan);

    /// <summary>
    /// A uniform bound with the given standard deviation (the variance of U(±a) is a²/3), e.g. BERT's
    /// N(0, 0.02) initialisation without needing a normal sampler.
    /// </summary>
    public static float WithStandardDeviation(float standardDeviation) => standardDeviation * MathF.Sqrt(3f);
}
