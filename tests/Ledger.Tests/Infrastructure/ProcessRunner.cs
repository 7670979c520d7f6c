using System.Diagnostics;

namespace MultiCloud.Tests.Infrastructure;

/// <summary>Runs a command to completion and returns its output; throws with the output when it fails.</summary>
public static class ProcessRunner
{
    /// <summary>True when the tests run as root (then PostgreSQL commands run as the postgres user).</summary>
    public static bool IsRoot { get; } = Environment.UserName == "root";

    /// <summary>Runs <paramref name="file"/> (as the postgres user when <paramref name="asPostgres"/> and root).</summary>
    /// <exception cref="InvalidOperationException">The command exited non-zero or timed out.</exception>
    public static async Task<string> RunAsync(string file, IEnumerable<string> arguments, bool asPostgres = false, TimeSpan? timeout = null)
    {
        var info = asPostgres && IsRoot ? new ProcessStartInfo("runuser") : new ProcessStartInfo(file);
        if (asPostgres && IsRoot)
        {
            foreach (var a in new[] { "-u", "postgres", "--", file })
            {
                info.ArgumentList.Add(a);
            }
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{file} {string.Join(' ', info.ArgumentList)} timed out.");
        }

        var output = await stdout + await stderr;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', info.ArgumentList)} exited {process.ExitCode}:\n{output}");
        }

        return output;
    }
}
