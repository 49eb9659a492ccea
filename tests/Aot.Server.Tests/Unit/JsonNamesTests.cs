using System.Text.Json;
using Aot.Server.Http;

namespace Aot.Server.Tests.Unit;

/// <summary>
/// Names in JSON requests come from a shared string pool. Measured through KServeRequestReader / TfServingRequestReader
/// on the tiny model when this was introduced: KServe 848 → 768 B/request, TF Serving 256 → 232 B/request.
/// </summary>
public class JsonNamesTests
{
    private static readonly byte[] Body = """{"name":"input_ids","datatype":"FP32","escaped":"a\u0062c"}"""u8.ToArray();

    [Fact]
    public void Repeated_names_allocate_nothing_and_are_the_same_instance()
    {
        Assert.Same(ReadName(2), ReadName(2));
        ReadName(4);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            ReadName(2);
            ReadName(4);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Escaped_names_are_unescaped()
    {
        Assert.Equal("input_ids", ReadName(2));
        Assert.Equal("FP32", ReadName(4));
        Assert.Equal("abc", ReadName(6));
    }

    private static string ReadName(int token)
    {
        var reader = new Utf8JsonReader(Body);
        for (int i = 0; i <= token; i++)
        {
            reader.Read();
        }

        return JsonNames.Get(ref reader);
    }
}
