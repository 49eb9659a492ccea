using Aot.Protocol;
using Aot.Runtime;

namespace Aot.Quantization;

/// <summary>Feeds <see cref="SampleSet"/> samples to a <see cref="ModelRunner"/> and copies outputs out.</summary>
internal static class SampleRunner
{
    public static void SetInputs(ModelRunner runner, IReadOnlyDictionary<string, SampleTensor> sample)
    {
        ModelMetadata metadata = runner.Model.Metadata;
        foreach (TensorInfo input in metadata.Inputs)
        {
            SampleTensor tensor = sample[input.Name];
            tensor.Data.CopyTo(runner.GetInputBytes(input.Index, tensor.Shape));
        }
    }

    /// <summary>Float output <paramref name="index"/> of the last run (other types read as empty).</summary>
    public static float[] FloatOutput(ModelRunner runner, int index) =>
        runner.Model.Metadata.Outputs[index].ElementType == ElementType.Float ? runner.GetOutput<float>(index).ToArray() : [];
}
