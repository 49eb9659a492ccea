using System.ClientModel.Primitives;

namespace Aot.Server.Tests.EndToEnd;

/// <summary>
/// A pipeline policy for the OpenAI SDK that keeps the body of every request it sends, so a test can show what the
/// client really put on the wire (the SDK picks <c>encoding_format</c> itself).
/// </summary>
internal sealed class RequestCapturePolicy : PipelinePolicy
{
    private readonly List<string> _bodies = [];

    public IReadOnlyList<string> Bodies
    {
        get
        {
            lock (_bodies)
            {
                return [.. _bodies];
            }
        }
    }

    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        Capture(message);
        ProcessNext(message, pipeline, currentIndex);
    }

    public override async ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        Capture(message);
        await ProcessNextAsync(message, pipeline, currentIndex);
    }

    private void Capture(PipelineMessage message)
    {
        if (message.Request.Content is null)
            return;
        using var buffer = new MemoryStream();
        message.Request.Content.WriteTo(buffer);
        lock (_bodies)
        {
            _bodies.Add(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
        }
    }
}
