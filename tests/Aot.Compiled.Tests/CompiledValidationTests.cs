using Aot.Compiled.Tests.Infrastructure;
using Aot.Runtime;
using Aot.Server.Batching;
using Aot.Server.Compiled;
using Aot.Server.Hosting;
using Aot.Server.Models;

namespace Aot.Compiled.Tests;

/// <summary>
/// The generated validation (X.Serving.TryValidate) against the server's general validation
/// (ServingSignature.Validate) on the same loaded model: it accepts exactly the valid requests it can judge, and
/// never accepts an invalid one (false only hands a request to the general check, so soundness is what matters).
/// </summary>
public sealed class CompiledValidationTests
{
    [Fact]
    public void MiniLm_generated_validation_never_accepts_what_the_server_refuses_and_accepts_every_valid_request()
    {
        using OnnxModel model = OnnxModel.Load(TestModels.MiniLm);
        Check(new MiniLm.Serving(), model, seed: 1, count: 20_000);
    }

    [Fact]
    public void Tiny_generated_validation_never_accepts_what_the_server_refuses_and_accepts_every_valid_request()
    {
        using OnnxModel model = OnnxModel.Load(TestModels.Tiny);
        Check(new Tiny.Serving(), model, seed: 2, count: 20_000);
    }

    [Fact]
    public void A_mismatching_model_fails_loading_with_every_difference_listed()
    {
        StartupException error = Assert.Throws<StartupException>(() =>
            CompiledModelLoader.LoadOne(new MiniLm.Serving(), TestModels.Tiny, new ModelOptions { IntraOpThreads = 1 }, new BatcherOptions(), _ => { }));

        string[] lines = error.Message.Split(Environment.NewLine);
        Assert.Equal($"Model 'minilm' ({TestModels.Tiny}) does not match the signature compiled into this server from all-MiniLM-L6-v2.onnx:", lines[0]);
        Assert.StartsWith("  - input 'input_ids' is missing (compiled for INT64", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("  - input 'attention_mask' is missing (compiled for INT64", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("  - input 'token_type_ids' is missing (compiled for INT64", lines[3], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("  - input 'x' ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("  - output 'last_hidden_state' is missing", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("  - output '924' is missing", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("  - output 'y' ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_matching_model_is_served_with_the_compiled_validation()
    {
        var log = new List<string>();
        using ServedModel served = CompiledModelLoader.LoadOne(new Tiny.Serving(), TestModels.Tiny, new ModelOptions { IntraOpThreads = 1 }, new BatcherOptions(), log.Add);

        Assert.True(served.Batcher.Adapter is CompiledModelAdapter { UsesGeneratedCode: true });
        Assert.Contains(log, l => l.Contains("signature verified, compiled validation", StringComparison.Ordinal));
    }

    private static void Check(CompiledModel compiled, OnnxModel model, int seed, int count)
    {
        var signature = new ServingSignature(model.Metadata);
        Assert.Equal(signature.IsBatchable, compiled.IsBatchable);
        var random = new Random(seed);
        TensorBuffer[] tensors = [.. signature.Inputs.Select(static i => new TensorBuffer(i.Rank))];
        int accepted = 0, valid = 0;
        for (int n = 0; n < count; n++)
        {
            // Mostly valid requests, each then possibly broken in one way: a dimension, a length, a missing input.
            long rows = random.Next(0, 4);
            long columns = random.Next(0, 6);
            foreach ((ServingTensor input, TensorBuffer tensor) in signature.Inputs.Zip(tensors))
            {
                long elements = 1;
                for (int d = 0; d < input.Rank; d++)
                {
                    tensor.Shape[d] = input.Dims[d].IsFixed ? input.Dims[d].Value : d == 0 ? rows : columns;
                    elements *= tensor.Shape[d];
                }

                tensor.Allocate((int)(elements * input.ElementSize));
                tensor.IsSet = true;
            }

            TensorBuffer victim = tensors[random.Next(tensors.Length)];
            switch (random.Next(6))
            {
                case 0:
                    victim.Shape[random.Next(victim.Shape.Length)] += random.Next(-2, 3);
                    break;
                case 1:
                    victim.Allocate(Math.Max(0, victim.Length + random.Next(-9, 9)));
                    break;
                case 2:
                    victim.IsSet = random.Next(4) != 0;
                    break;
                case 3:
                    victim.Shape[random.Next(victim.Shape.Length)] = random.Next(2) == 0 ? long.MaxValue / 3 : -random.Next(1, 5);
                    break;
            }

            bool generalAccepts;
            try
            {
                signature.Validate(tensors);
                generalAccepts = true;
            }
            catch (InferenceException)
            {
                generalAccepts = false;
            }

            bool compiledAccepts = TryValidate(compiled, tensors);
            Assert.False(compiledAccepts && !generalAccepts, $"request {n}: the generated validation accepted what the server refuses");
            Assert.False(generalAccepts && !compiledAccepts && tensors.All(t => t.IsSet), $"request {n}: the generated validation refused a valid request");
            accepted += compiledAccepts ? 1 : 0;
            valid += generalAccepts ? 1 : 0;
        }

        Assert.Equal(valid, accepted);
        Assert.InRange(valid, count / 4, count);
    }

    private static bool TryValidate(CompiledModel compiled, TensorBuffer[] tensors) => compiled.Validate(tensors);
}
