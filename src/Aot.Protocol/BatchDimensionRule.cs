namespace Aot.Protocol;

/// <summary>
/// When requests to a model can be concatenated along dimension 0 into one batch. The server decides it from the
/// loaded model and the source generator from the declared signature; both call this one rule so they cannot drift.
/// </summary>
/// <remarks>
/// This file is also compiled into the netstandard2.0 source generator (linked, not referenced: an analyzer may carry
/// no dependencies), so it uses nothing beyond netstandard2.0 and no implicit usings.
/// </remarks>
public static class BatchDimensionRule
{
    /// <summary>
    /// Every input has a dynamic dimension 0 and the named ones share one symbol, and every output has a dynamic
    /// dimension 0. Scalars and tensors of unknown rank have no dimension 0 to batch along, so they make the model
    /// unbatchable; an input's unnamed dynamic dimension 0 is compatible with any symbol.
    /// </summary>
    /// <param name="inputs">Dimension 0 of each input, in any order.</param>
    /// <param name="outputs">Dimension 0 of each output, in any order.</param>
    /// <returns>Whether requests may share a run.</returns>
    public static bool IsBatchable(Tensor[] inputs, Tensor[] outputs)
    {
        if (inputs is null || outputs is null || inputs.Length == 0 || outputs.Length == 0)
        {
            return false;
        }

        string? symbol = null;
        foreach (Tensor input in inputs)
        {
            if (!input.HasDynamicDimension0)
            {
                return false;
            }

            if (input.Dimension0Symbol is { } own)
            {
                if (symbol is not null && symbol != own)
                {
                    return false;
                }

                symbol = own;
            }
        }

        foreach (Tensor output in outputs)
        {
            if (!output.HasDynamicDimension0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>What the rule needs to know about one tensor: its rank and its dimension 0.</summary>
    public readonly struct Tensor
    {
        /// <summary>Describes a tensor.</summary>
        /// <param name="rank">Number of dimensions; negative when the model does not declare a shape.</param>
        /// <param name="dimension0IsFixed">Whether dimension 0 has a fixed size (ignored for rank 0 or less).</param>
        /// <param name="dimension0Symbol">Dimension 0's symbolic name (<c>batch</c>), or null when it is unnamed or fixed.</param>
        public Tensor(int rank, bool dimension0IsFixed, string? dimension0Symbol)
        {
            Rank = rank;
            Dimension0IsFixed = dimension0IsFixed;
            Dimension0Symbol = dimension0Symbol;
        }

        /// <summary>Number of dimensions; negative when unknown.</summary>
        public int Rank { get; }

        /// <summary>Whether dimension 0 has a fixed size.</summary>
        public bool Dimension0IsFixed { get; }

        /// <summary>Dimension 0's symbolic name, or null.</summary>
        public string? Dimension0Symbol { get; }

        internal bool HasDynamicDimension0 => Rank > 0 && !Dimension0IsFixed;
    }
}
