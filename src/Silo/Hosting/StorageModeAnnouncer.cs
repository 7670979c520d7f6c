namespace MultiCloud.Silo.Hosting;

/// <summary>Says at start-up, once, where this silo keeps its state.</summary>
/// <param name="usesPostgres">True when a PostgreSQL connection string is configured.</param>
/// <param name="logger">Logger.</param>
public sealed partial class StorageModeAnnouncer(bool usesPostgres, ILogger<StorageModeAnnouncer> logger) : IHostedService
{
    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (usesPostgres)
        {
            LogInformationPostgres();
        }
        else
        {
            LogWarningInMemory();
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 4100, Level = LogLevel.Information,
        Message = "Storage: PostgreSQL for cluster membership, grain state, reminders and ledger rows (Database:ConnectionString)")]
    private partial void LogInformationPostgres();

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning,
        Message = "Storage: the embedded in-memory default (localhost clustering, memory grain storage, in-memory reminders and read model). Nothing survives a restart; set Database:ConnectionString to use PostgreSQL")]
    private partial void LogWarningInMemory();
}
