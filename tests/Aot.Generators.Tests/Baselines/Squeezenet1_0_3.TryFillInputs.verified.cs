protected override bool TryFillInputs(global::Aot.Server.Hosting.BatchInputs batch)
{
    if (batch.Count != 1)
    {
        return false;
    }

    batch.CopyTo(0, 0, global::System.Runtime.InteropServices.MemoryMarshal.AsBytes(_typed.Data0()));

    return true;
}
