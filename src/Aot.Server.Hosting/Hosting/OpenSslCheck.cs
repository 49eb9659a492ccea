using System.Runtime.InteropServices;
using Aot.Server.Models;

namespace Aot.Server.Hosting;

/// <summary>
/// TLS on Linux goes through OpenSSL, which .NET loads only when the first TLS object is made; without it the process
/// aborts with no hint of the fix. Serving TLS checks for it first and fails start-up with a clear error instead (the
/// generic container image leaves OpenSSL out unless built with <c>--tls</c>).
/// </summary>
internal static class OpenSslCheck
{
    // The versions .NET 10's crypto shim accepts, newest first.
    private static readonly string[] Libraries = ["libssl.so.3", "libssl.so.1.1"];

    public static void EnsureAvailable()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        foreach (string library in Libraries)
        {
            if (NativeLibrary.TryLoad(library, out IntPtr handle))
            {
                NativeLibrary.Free(handle);
                return;
            }
        }

        throw new StartupException(
            $"TLS (--tls-cert) needs OpenSSL ({string.Join(" or ", Libraries)}), which this system or image lacks: install it " +
            "(Debian: libssl3), build the container image with `bash deploy/build-image.sh --tls`, or serve cleartext and end TLS at the ingress.");
    }
}
