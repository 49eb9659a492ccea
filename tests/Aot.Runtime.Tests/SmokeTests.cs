namespace Aot.Runtime.Tests;

public class SmokeTests
{
    [Fact]
    public void Missing_file_names_the_path()
    {
        var ex = Assert.Throws<ModelLoadException>(() => OnnxModel.Load("/nonexistent/model.onnx"));
        Assert.Contains("/nonexistent/model.onnx", ex.Message);
    }
}
