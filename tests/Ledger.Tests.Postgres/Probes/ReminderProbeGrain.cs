namespace MultiCloud.Tests.Probes;

/// <summary>Counts reminder ticks in memory.</summary>
public sealed class ReminderProbeGrain : Grain, IReminderProbeGrain, IRemindable
{
    private const string Name = "probe";
    private int _ticks;

    /// <inheritdoc />
    public Task StartAsync(TimeSpan period) => this.RegisterOrUpdateReminder(Name, TimeSpan.FromMilliseconds(200), period);

    /// <inheritdoc />
    public Task<int> GetTicksAsync() => Task.FromResult(_ticks);

    /// <inheritdoc />
    public async Task StopAsync()
    {
        if (await this.GetReminder(Name) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    /// <inheritdoc />
    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        _ticks++;
        return Task.CompletedTask;
    }
}
