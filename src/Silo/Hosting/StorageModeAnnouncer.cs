namespace MultiCloud.Silo.Hosting;

/// <summary>Says at start-up, once, which profile this silo runs and where it keeps its state.</summary>
/// <param name="profile">The selected profile (<c>Profile</c>).</param>
/// <param name="usesPostgres">True when the profile keeps everything in PostgreSQL.</param>
/// <param name="logger">Logger.</param>
public sealed partial class StorageModeAnnouncer(string profile, bool usesPostgres, ILogger<StorageModeAnnouncer> logger) : IHostedService
{
    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (usesPostgres)
        {
            LogInformationPostgres(profile);
        }
        else
        {
            LogWarningInMemory(profile);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 4100, Level = LogLevel.Information,
        Message = "Profile {Profile}: PostgreSQL for cluster membership, grain state, reminders and ledger rows (Database:ConnectionString)")]
    private partial void LogInformationPostgres(string profile);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning,
        Message = "Profile {Profile}: the embedded in-memory default (localhost clustering, memory grain storage, in-memory reminders and read model). Nothing survives a restart; select Profile=single-region or two-region and set Database:ConnectionString to use PostgreSQL")]
    private partial void LogWarningInMemory(string profile);
}
