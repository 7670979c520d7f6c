using System.Diagnostics;

namespace MultiCloud.RegionsRig;

/// <summary>
/// Signals that prove they landed: before signalling, the process must be the one aimed at (its command line names
/// the program); after, its state must show the effect (gone after SIGKILL, stopped after SIGSTOP, running after
/// SIGCONT) within a deadline. Anything else throws <see cref="FaultNotLandedException"/>.
/// </summary>
public static class FaultProof
{
    /// <summary>How long a signal's effect may take to show.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    /// <summary>Sends <paramref name="signal"/> (<c>KILL</c>, <c>STOP</c> or <c>CONT</c>) to <paramref name="pid"/> and waits for its effect.</summary>
    /// <param name="pid">The process.</param>
    /// <param name="signal">Signal name without <c>SIG</c>.</param>
    /// <param name="program">An argument its command line must hold, whole or as a file name without extension
    /// (<c>patroni</c> matches <c>/usr/bin/patroni</c>; <c>--Cluster:SiloName=silo-a0</c> matches that silo and not
    /// <c>silo-a01</c>).</param>
    /// <param name="target">What it is, for the message (e.g. <c>region A's Patroni</c>).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <exception cref="FaultNotLandedException">Not that process, not running, the signal refused, or no effect within <see cref="Deadline"/>.</exception>
    public static async Task SignalAsync(int pid, string signal, string program, string target, CancellationToken cancellationToken = default)
    {
        var commandLine = Shell.CommandLine(pid);
        if (commandLine is null || !Shell.IsAlive(pid))
        {
            throw new FaultNotLandedException($"{target}: pid {pid} is not running, so SIG{signal} cannot land on it");
        }

        if (!Names(commandLine, program))
        {
            throw new FaultNotLandedException($"{target}: pid {pid} is '{Truncate(commandLine)}', not {program}; SIG{signal} not sent");
        }

        if (!Shell.Signal(pid, signal))
        {
            throw new FaultNotLandedException($"{target}: kill -{signal} {pid} failed");
        }

        Func<bool> landed = signal switch
        {
            "KILL" => () => !Shell.IsAlive(pid),
            "STOP" => () => Shell.ProcessState(pid) == 'T',
            "CONT" => () => Shell.ProcessState(pid) is { } state && state != 'T',
            _ => throw new ArgumentOutOfRangeException(nameof(signal), signal, "KILL, STOP or CONT"),
        };
        await WaitAsync(landed, $"{target}: pid {pid} after SIG{signal} is {(Shell.ProcessState(pid)?.ToString() ?? "gone")}", cancellationToken);
    }

    /// <summary>Waits until <paramref name="pid"/> is gone (e.g. after a shutdown asked of it).</summary>
    /// <exception cref="FaultNotLandedException">Still running after <see cref="Deadline"/>.</exception>
    public static Task WaitGoneAsync(int pid, string target, CancellationToken cancellationToken = default) =>
        WaitAsync(() => !Shell.IsAlive(pid), $"{target}: pid {pid} still running", cancellationToken);

    /// <summary>Polls <paramref name="condition"/> until it holds or <see cref="Deadline"/> passes.</summary>
    /// <exception cref="FaultNotLandedException">It did not hold in time; the message is <paramref name="failure"/>.</exception>
    public static async Task WaitAsync(Func<bool> condition, string failure, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > Deadline)
            {
                throw new FaultNotLandedException($"{failure} {Deadline.TotalSeconds:0} s later");
            }

            await Task.Delay(Poll, cancellationToken);
        }
    }

    /// <summary>Whether one argument of <paramref name="commandLine"/> is <paramref name="program"/> or a path to it.</summary>
    private static bool Names(string commandLine, string program) =>
        commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Any(argument => argument == program || Path.GetFileName(argument) == program || Path.GetFileNameWithoutExtension(argument) == program);

    private static string Truncate(string text) => text.Length <= 120 ? text : text[..120] + "…";
}
