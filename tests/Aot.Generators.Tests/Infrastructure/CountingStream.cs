namespace Aot.Generators.Tests.Infrastructure;

/// <summary>Wraps a stream and counts the bytes read through it (and optionally hides that it can seek).</summary>
internal sealed class CountingStream(Stream inner, bool seekable = true) : Stream
{
    public long BytesRead { get; private set; }

    public int Reads { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => seekable;

    public override bool CanWrite => false;

    public override long Length => seekable ? inner.Length : throw new NotSupportedException();

    public override long Position
    {
        get => seekable ? inner.Position : throw new NotSupportedException();
        set => inner.Position = seekable ? value : throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        int read = inner.Read(buffer, offset, count);
        BytesRead += read;
        Reads++;
        return read;
    }

    public override long Seek(long offset, SeekOrigin origin) => seekable ? inner.Seek(offset, origin) : throw new NotSupportedException();

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
