using System.Runtime.InteropServices;

namespace Aot.Runtime;

/// <summary>
/// Keeps ONNX Runtime from phoning home. Its Linux builds (1.31) start a telemetry uploader to
/// mobile.events.data.microsoft.com when the environment is created (strace showed the DNS lookups) unless
/// <c>ORT_DISABLE_TELEMETRY</c> is set; <c>OrtEnv.DisableTelemetryEvents</c>, called after creation, does not stop them.
/// </summary>
internal static partial class OrtTelemetry
{
    public const string Variable = "ORT_DISABLE_TELEMETRY";

    /// <summary>
    /// Sets <c>ORT_DISABLE_TELEMETRY=1</c> in the native environment, which ONNX Runtime reads, unless the user set the
    /// variable (setting it to 0 is the way to allow telemetry). Call before the environment exists.
    /// </summary>
    public static void DisableBeforeEnvironmentCreation()
    {
        if (OperatingSystem.IsWindows())
        {
            // On Windows the process environment block is the one native code reads.
            if (Environment.GetEnvironmentVariable(Variable) is null)
            {
                Environment.SetEnvironmentVariable(Variable, "1");
            }

            return;
        }

        // .NET on Unix keeps its own copy of the environment: native getenv only sees what libc's setenv changed.
        try
        {
            _ = setenv(Variable, "1", overwrite: 0);
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            // No libc setenv (unusual platform): DisableTelemetryEvents below still stops the events.
        }
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);
}
