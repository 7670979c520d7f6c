using System.Globalization;
using Spectre.Console;

namespace MultiCloud.LoadTool;

/// <summary>
/// Shows a run's progress: phase, done/total, rate, errors, p50/p99 so far. A live bar on a terminal; a line every
/// 5 seconds when the output is redirected (CI logs).
/// </summary>
public static class ProgressView
{
    /// <summary>Shows progress until <paramref name="run"/> completes.</summary>
    public static async Task ShowAsync(IAnsiConsole console, LoadRunner runner, Task run, bool live)
    {
        if (!live)
        {
            while (await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(5))) != run)
            {
                console.WriteLine(Describe(runner));
            }

            return;
        }

        await console.Progress()
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("starting", maxValue: 1);
                while (!run.IsCompleted)
                {
                    var (_, done, total) = runner.Progress;
                    task.MaxValue = Math.Max(total, 1);
                    task.Value = done;
                    task.Description = Markup.Escape(Describe(runner));
                    await Task.WhenAny(run, Task.Delay(250));
                }

                task.Value = task.MaxValue;
            });
    }

    private static string Describe(LoadRunner runner)
    {
        var (phase, done, total) = runner.Progress;
        var kind = phase switch
        {
            "open accounts" => OperationKind.Open,
            "fund accounts" => OperationKind.Deposit,
            _ => runner.Stats(OperationKind.Transfer).Ok + runner.Stats(OperationKind.Transfer).Failed > 0 ? OperationKind.Transfer : OperationKind.Read,
        };
        var stats = runner.Stats(kind);
        var errors = stats.Errors.Values.Sum();
        return string.Create(CultureInfo.InvariantCulture,
            $"{phase}: {done:N0}/{total:N0} | {kind} p50 {stats.PercentileMs(50):0.0} ms p99 {stats.PercentileMs(99):0.0} ms | errors {errors:N0} | failed {stats.Failed:N0}");
    }
}
