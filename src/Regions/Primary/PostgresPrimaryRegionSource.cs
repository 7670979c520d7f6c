using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;

namespace MultiCloud.Regions.Primary;

/// <summary>
/// Polls the database primary (through the shared data source, whose connection string targets the primary) every
/// <see cref="RegionOptions.PrimaryCheckInterval"/>: one query reads the primary's region setting, this silo's row in
/// the membership table and whether the server is in recovery. A check confirms when it answers from a server that is
/// not in recovery and the row says Active; the confirmation time is the moment the query was sent, so it never
/// overstates how current the silo is. A standby's answer confirms nothing and changes nothing: its copy of the row
/// and its own region setting say nothing about the primary (a proxy such as HAProxy can still route to a demoted
/// server for a check interval or two after a failover).
/// </summary>
public sealed partial class PostgresPrimaryRegionSource : BackgroundService, IPrimaryRegionSource
{
    private const int ActiveStatus = 3; // Orleans SiloStatus.Active, as the membership table stores it.

    private readonly NpgsqlDataSource _dataSource;
    private readonly ILocalSiloDetails _localSilo;
    private readonly ClusterOptions _cluster;
    private readonly RegionOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<PostgresPrimaryRegionSource> _logger;
    private readonly string _sql;
    private volatile Box _current = new(null, null);
    private bool _warnedUnconfirmed;

    // Completed (and replaced) whenever the observed region changes; waiters take the current one.
    private TaskCompletionSource _regionChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Creates the source; polling starts with the host.</summary>
    public PostgresPrimaryRegionSource(
        NpgsqlDataSource dataSource,
        ILocalSiloDetails localSilo,
        IOptions<ClusterOptions> cluster,
        IOptions<RegionOptions> options,
        TimeProvider timeProvider,
        ILogger<PostgresPrimaryRegionSource> logger)
    {
        _dataSource = dataSource;
        _localSilo = localSilo;
        _cluster = cluster.Value;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
        _sql = $"""
            SELECT current_setting('{_options.PrimarySettingName}', true),
                   (SELECT status FROM orleansmembershiptable
                     WHERE deploymentid = $1 AND address = $2 AND port = $3 AND generation = $4),
                   pg_is_in_recovery()
            """;
    }

    /// <inheritdoc />
    public PrimaryRegionObservation Current => _current.Observation;

    /// <inheritdoc />
    public bool IsWithinStalenessBound()
        => _current.Observation.ConfirmedAt is { } at && _timeProvider.GetElapsedTime(at) <= _options.MaxStaleness;

    /// <inheritdoc />
    public async Task<string?> WaitForRegionChangeAsync(string? region, CancellationToken cancellationToken)
    {
        while (true)
        {
            var changed = Volatile.Read(ref _regionChanged);
            var current = _current.Observation.Region;
            if (!string.Equals(current, region, StringComparison.Ordinal))
            {
                return current;
            }

            await changed.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Runs one check now and returns what it observed (also used by tests).</summary>
    /// <param name="cancellationToken">Abandons the check.</param>
    public async Task<PrimaryRegionObservation> CheckAsync(CancellationToken cancellationToken)
    {
        var sentAt = _timeProvider.GetTimestamp();
        var previous = _current.Observation;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.PrimaryCheckTimeout);
        try
        {
            var silo = _localSilo.SiloAddress;
            await using var command = _dataSource.CreateCommand(_sql);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _cluster.ClusterId });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = silo.Endpoint.Address.ToString() });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = silo.Endpoint.Port });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = silo.Generation });
            await using var reader = await command.ExecuteReaderAsync(timeout.Token);
            await reader.ReadAsync(timeout.Token);
            if (reader.GetBoolean(2))
            {
                if (!_warnedUnconfirmed)
                {
                    _warnedUnconfirmed = true;
                    LogWarningStandby();
                }

                return previous;
            }

            var region = reader.IsDBNull(0) || reader.GetString(0).Length == 0 ? null : reader.GetString(0);
            var active = !reader.IsDBNull(1) && reader.GetInt32(1) == ActiveStatus;
            var observation = new PrimaryRegionObservation(region, active ? sentAt : previous.ConfirmedAt);
            _current = new Box(observation.Region, observation.ConfirmedAt);
            if (!string.Equals(region, previous.Region, StringComparison.Ordinal))
            {
                LogInformationPrimaryRegion(region ?? "(none)", previous.Region ?? "(unknown)");
                Interlocked.Exchange(ref _regionChanged, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            }

            if (active)
            {
                _warnedUnconfirmed = false;
            }

            return observation;
        }
        catch (Exception exception) when (exception is NpgsqlException or OperationCanceledException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
        {
            if (!_warnedUnconfirmed)
            {
                _warnedUnconfirmed = true;
                LogWarningCheckFailed(exception.GetType().Name, exception.Message);
            }

            return previous;
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.PrimaryCheckInterval, _timeProvider);
        do
        {
            await CheckAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(EventId = 2100, Level = LogLevel.Information, Message = "The database primary is in region {Region} (was {Previous})")]
    private partial void LogInformationPrimaryRegion(string region, string previous);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning,
        Message = "Cannot confirm the database primary ({ExceptionType}: {Message}); balances will be re-read or refused until it answers")]
    private partial void LogWarningCheckFailed(string exceptionType, string message);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning,
        Message = "The database server answering the primary check is a standby (in recovery); balances will be re-read or refused until the primary answers")]
    private partial void LogWarningStandby();

    // One reference, swapped whole: readers on other threads never see a torn pair.
    private sealed record Box(string? Region, long? ConfirmedAt)
    {
        public PrimaryRegionObservation Observation { get; } = new(Region, ConfirmedAt);
    }
}
