namespace MultiCloud.Tests.Probes;

/// <summary>A test grain that counts the ticks of a reminder, to prove reminders fire through the ADO.NET provider.</summary>
public interface IReminderProbeGrain : IGrainWithGuidKey
{
    /// <summary>Registers a reminder with the given period.</summary>
    Task StartAsync(TimeSpan period);

    /// <summary>Ticks received so far.</summary>
    Task<int> GetTicksAsync();

    /// <summary>Unregisters the reminder.</summary>
    Task StopAsync();
}
