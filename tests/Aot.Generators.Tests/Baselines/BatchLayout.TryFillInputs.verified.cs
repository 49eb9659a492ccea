protected override bool TryFillInputs(global::Aot.Server.Hosting.BatchInputs batch)
{
    long n0_1 = batch.Shape(0, 0)[1];
    long n2_1 = batch.Shape(0, 2)[1];
    for (int r = 1; r < batch.Count; r++)
    {
        if (batch.Shape(r, 0)[1] != n0_1 || batch.Shape(r, 2)[1] != n2_1)
        {
            return false; // requests of different sizes: the server pads them
        }
    }

    int rows = checked((int)batch.Rows);

    global::System.Span<byte> input0 = global::System.Runtime.InteropServices.MemoryMarshal.AsBytes(_typed.Tokens(rows, checked((int)n0_1)));
    long rowBytes0 = checked(n0_1 * 8L);
    for (int r = 0, at = 0; r < batch.Count; r++)
    {
        int bytes = checked((int)(batch.Shape(r, 0)[0] * rowBytes0));
        batch.CopyTo(r, 0, input0.Slice(at, bytes));
        at += bytes;
    }

    global::System.Span<byte> input1 = global::System.Runtime.InteropServices.MemoryMarshal.AsBytes(_typed.Features(rows, checked((int)n0_1)));
    long rowBytes1 = checked(n0_1 * 16L);
    for (int r = 0, at = 0; r < batch.Count; r++)
    {
        int bytes = checked((int)(batch.Shape(r, 1)[0] * rowBytes1));
        batch.CopyTo(r, 1, input1.Slice(at, bytes));
        at += bytes;
    }

    global::System.Span<byte> input2 = global::System.Runtime.InteropServices.MemoryMarshal.AsBytes(_typed.Extra(rows, checked((int)n2_1)));
    long rowBytes2 = checked(n2_1 * 4L);
    for (int r = 0, at = 0; r < batch.Count; r++)
    {
        int bytes = checked((int)(batch.Shape(r, 2)[0] * rowBytes2));
        batch.CopyTo(r, 2, input2.Slice(at, bytes));
        at += bytes;
    }

    return true;
}
