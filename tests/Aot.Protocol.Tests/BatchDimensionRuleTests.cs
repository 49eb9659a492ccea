using Tensor = Aot.Protocol.BatchDimensionRule.Tensor;

namespace Aot.Protocol.Tests;

public class BatchDimensionRuleTests
{
    private static readonly Tensor Batch = new(2, dimension0IsFixed: false, "batch");
    private static readonly Tensor Unnamed = new(2, dimension0IsFixed: false, null);
    private static readonly Tensor Fixed = new(2, dimension0IsFixed: true, null);
    private static readonly Tensor Scalar = new(0, dimension0IsFixed: false, null);
    private static readonly Tensor UnknownRank = new(-1, dimension0IsFixed: false, null);

    [Fact]
    public void Shared_symbolic_dimension_zero_batches() =>
        Assert.True(BatchDimensionRule.IsBatchable([Batch, Batch], [Batch]));

    [Fact]
    public void Unnamed_dynamic_dimensions_are_compatible_with_any_symbol()
    {
        Assert.True(BatchDimensionRule.IsBatchable([Batch, Unnamed], [Unnamed]));
        Assert.True(BatchDimensionRule.IsBatchable([Unnamed], [Unnamed]));
    }

    // Exporters name output dimensions freely (MiniLM's Tanh924_dim_0); only inputs must agree.
    [Fact]
    public void Outputs_need_a_dynamic_dimension_zero_but_not_the_inputs_symbol() =>
        Assert.True(BatchDimensionRule.IsBatchable([Batch], [new Tensor(2, false, "Tanh924_dim_0")]));

    [Fact]
    public void Different_input_symbols_do_not_batch() =>
        Assert.False(BatchDimensionRule.IsBatchable([Batch, new Tensor(2, false, "other")], [Batch]));

    [Theory]
    [MemberData(nameof(Unbatchable))]
    public void A_fixed_scalar_or_unknown_rank_tensor_on_either_side_prevents_batching(string name, Tensor tensor)
    {
        Assert.False(BatchDimensionRule.IsBatchable([Batch, tensor], [Batch]), name);
        Assert.False(BatchDimensionRule.IsBatchable([Batch], [Batch, tensor]), name);
    }

    public static TheoryData<string, Tensor> Unbatchable => new()
    {
        { "fixed", Fixed },
        { "scalar", Scalar },
        { "unknown rank", UnknownRank },
        { "unknown rank that claims a symbol", new Tensor(-1, false, "batch") },
    };

    [Fact]
    public void Models_without_inputs_or_outputs_do_not_batch()
    {
        Assert.False(BatchDimensionRule.IsBatchable([], [Batch]));
        Assert.False(BatchDimensionRule.IsBatchable([Batch], []));
    }
}
