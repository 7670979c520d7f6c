using MultiCloud.RegionsRig;

namespace MultiCloud.Tests.Infrastructure;

/// <summary>Runs a command to completion and returns its output; throws with the output when it fails.</summary>
public static class ProcessRunner
{
    /// <summary>True when the tests run as root (then PostgreSQL commands run as the postgres user).</summary>
    public static bool IsRoot => Shell.IsRoot;

    /// <summary>Runs <paramref name="file"/> (as the postgres user when <paramref name="asPostgres"/> and root); returns standard output then standard error.</summary>
    /// <exception cref="InvalidOperationException">The command exited non-zero or timed out (default 2 min).</exception>
    public static Task<string> RunAsync(string file, IEnumerable<string> arguments, bool asPostgres = false, TimeSpan? timeout = null)
        => asPostgres && IsRoot
            ? Shell.RunAsync("runuser", ["-u", "postgres", "--", file, .. arguments], timeout: timeout ?? TimeSpan.FromMinutes(2), includeStandardError: true)
            : Shell.RunAsync(file, arguments, timeout: timeout ?? TimeSpan.FromMinutes(2), includeStandardError: true);
}
