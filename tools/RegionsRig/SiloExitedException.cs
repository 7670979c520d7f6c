namespace MultiCloud.RegionsRig;

/// <summary>A silo's process ended before it answered ready (see <see cref="RegionsEnvironment.WaitUntilSiloReadyAsync"/>).</summary>
/// <param name="message">The silo, its log's path and the log's last lines.</param>
/// <param name="lastLine">The unhandled exception the silo logged, if any (one line).</param>
public sealed class SiloExitedException(string message, string lastLine) : InvalidOperationException(message)
{
    /// <summary>The unhandled exception the silo logged, if any (one line), for a log line about the restart.</summary>
    public string LastLine { get; } = lastLine;
}
