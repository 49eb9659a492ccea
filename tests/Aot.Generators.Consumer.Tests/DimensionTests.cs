using Aot.Generators.Consumer.Tests.Fixtures;

namespace Aot.Generators.Consumer.Tests;

/// <summary>Fixed dimensions are not asked for, a repeated symbol is one parameter, unnamed ones are dimN.</summary>
public sealed class DimensionTests
{
    [Fact]
    public void Shapes_come_from_the_parameters_and_the_fixed_sizes()
    {
        using var model = new DimensionKinds(FixtureModels.Path("dims.onnx"));

        Span<byte> image = model.Image();
        Span<float> square = model.Square(n: 3);
        Span<int> ragged = model.Ragged(rows: 2, dim1: 5);
        Assert.Equal((12, 9, 10), (image.Length, square.Length, ragged.Length));
        image.Fill(7);
        square.Fill(0.5f);
        for (int i = 0; i < ragged.Length; i++)
        {
            ragged[i] = i;
        }

        model.Run();

        Assert.Equal(new long[] { 1, 3, 2, 2 }, model.ImageOutShape.ToArray());
        Assert.Equal(new long[] { 3, 3 }, model.SquareOutShape.ToArray());
        Assert.Equal(new long[] { 2, 5 }, model.RaggedOutShape.ToArray());
        Assert.All(model.ImageOut.ToArray(), b => Assert.Equal(7, b));
        Assert.Equal(Enumerable.Range(0, 10), model.RaggedOut.ToArray());
    }

    [Fact]
    public void The_namespace_and_class_name_come_from_item_metadata()
    {
        Assert.Equal("Aot.Generators.Consumer.Tests.Fixtures.DimensionKinds", typeof(DimensionKinds).FullName);
    }
}
