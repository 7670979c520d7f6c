using System.Diagnostics;

namespace MultiCloud.RegionsRig;

/// <summary>Runs system commands (ip, iptables, kill...), in the root namespace or inside a region's namespace.</summary>
public static class Shell
{
    /// <summary>Runs a command to completion and returns its standard output (followed by its standard error when <paramref name="includeStandardError"/>).</summary>
    /// <param name="file">The program.</param>
    /// <param name="arguments">Its arguments, passed without a shell.</param>
    /// <param name="check">Throw when it exits non-zero.</param>
    /// <param name="timeout">How long it may run (default 60 s); then it is killed with its children.</param>
    /// <param name="includeStandardError">Append standard error to the returned text (for tools that report on it).</param>
    /// <exception cref="InvalidOperationException">It exited non-zero (unless <paramref name="check"/> is false) or timed out.</exception>
    public static async Task<string> RunAsync(string file, IEnumerable<string> arguments, bool check = true, TimeSpan? timeout = null, bool includeStandardError = false)
    {
        // "/" as working directory: commands that switch user (setpriv, runuser) cannot enter a caller's 0700 directory.
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = "/" };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{Describe(info)} timed out.");
        }

        var output = await stdout;
        var errors = await stderr;
        if (check && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Describe(info)} exited {process.ExitCode}:\n{errors.Trim()}\n{output.Trim()}");
        }

        return includeStandardError ? output + errors : output;
    }

    /// <summary>Runs a command inside a namespace (<c>ip netns exec</c>).</summary>
    public static Task<string> InNamespaceAsync(string ns, string file, IEnumerable<string> arguments, bool check = true)
        => RunAsync("ip", ["netns", "exec", ns, file, .. arguments], check);

    /// <summary>Starts a long-running process inside a namespace, detached (<c>setsid</c>), output to a log file; returns its pid.</summary>
    /// <param name="ns">The namespace.</param>
    /// <param name="user">Run as this user (via setpriv, which execs: the pid is the program's own), or null for root.</param>
    /// <param name="logFile">Standard output and error go here.</param>
    /// <param name="file">The program.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="environment">Extra environment variables.</param>
    /// <param name="append">Append to the log file instead of replacing it (a restarted process keeps its history).</param>
    public static int StartDetached(string ns, string? user, string logFile, string file, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, bool append = false)
    {
        // sh writes the pid of the final program (exec keeps it), so the pid we keep is the program's own.
        var command = string.Join(' ', new[] { file }.Concat(arguments).Select(Quote));
        if (user is not null)
        {
            command = $"setpriv --reuid={user} --regid={user} --init-groups {command}";
        }

        // Start in "/": the caller's working directory (e.g. a clone under a 0700 temp directory) may be unreadable for the
        // program's user, and Patroni's initdb and multiprocessing children fail on a working directory they cannot enter.
        var info = new ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardOutput = true, WorkingDirectory = "/" };
        foreach (var a in new[] { "netns", "exec", ns, "setsid", "sh", "-c", $"{command} {(append ? ">>" : ">")} {Quote(logFile)} 2>&1 < /dev/null & echo $!" })
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file} in {ns}.");
        var pidLine = process.StandardOutput.ReadLine();
        process.WaitForExit();
        return int.Parse(pidLine ?? throw new InvalidOperationException($"No pid for {file} in {ns}."), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Sends a signal to a process; false when it does not exist.</summary>
    public static bool Signal(int pid, string signal)
    {
        using var process = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { $"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture) }, UseShellExecute = false, RedirectStandardError = true });
        process!.WaitForExit();
        return process.ExitCode == 0;
    }

    /// <summary>True while a process exists (and is not a zombie).</summary>
    public static bool IsAlive(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat))
        {
            return false;
        }

        try
        {
            var text = File.ReadAllText(stat);
            var state = text[(text.LastIndexOf(')') + 2)..][0];
            return state != 'Z' && state != 'X';
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>A process's state letter from <c>/proc/pid/stat</c> (<c>R</c>, <c>S</c>, <c>T</c> stopped, <c>Z</c> zombie...), or null when it does not exist.</summary>
    public static char? ProcessState(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            return text[(text.LastIndexOf(')') + 2)..][0];
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>A process's command line (arguments joined by spaces), or null when it does not exist.</summary>
    public static string? CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>True when running as root (required: namespaces, bridges, iptables).</summary>
    public static bool IsRoot => Environment.IsPrivilegedProcess;

    private static string Quote(string value) => value.All(c => char.IsAsciiLetterOrDigit(c) || "/._-=:,@".Contains(c))
        ? value
        : "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static string Describe(ProcessStartInfo info) => $"{info.FileName} {string.Join(' ', info.ArgumentList)}";
}
