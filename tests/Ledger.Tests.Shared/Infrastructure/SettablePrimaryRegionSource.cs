using MultiCloud.Regions.Primary;

namespace MultiCloud.Tests.Infrastructure;

/// <summary>
/// A primary-region source a test moves by hand (<see cref="Region"/>), standing in for the PostgreSQL check of a
/// failover to another region; within the staleness bound unless <see cref="Confirmed"/> is false. One instance shared by all silos of a test cluster.
/// </summary>
/// <param name="region">The region holding the primary at first.</param>
public sealed class SettablePrimaryRegionSource(string? region) : IPrimaryRegionSource
{
    private readonly object _gate = new();
    private string? _region = region;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The region holding the primary; setting another value wakes every waiter.</summary>
    public string? Region
    {
        get
        {
            lock (_gate)
            {
                return _region;
            }
        }

        set
        {
            TaskCompletionSource changed;
            lock (_gate)
            {
                if (string.Equals(_region, value, StringComparison.Ordinal))
                {
                    return;
                }

                _region = value;
                changed = _changed;
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            changed.TrySetResult();
        }
    }

    /// <summary>Whether the silo confirmed the primary within the staleness bound (default true).</summary>
    public bool Confirmed { get; set; } = true;

    /// <inheritdoc />
    public PrimaryRegionObservation Current => new(Region, Confirmed ? TimeProvider.System.GetTimestamp() : null);

    /// <inheritdoc />
    public bool IsWithinStalenessBound() => Confirmed;

    /// <inheritdoc />
    public async Task<string?> WaitForRegionChangeAsync(string? region, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            string? current;
            lock (_gate)
            {
                current = _region;
                changed = _changed.Task;
            }

            if (!string.Equals(current, region, StringComparison.Ordinal))
            {
                return current;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }
}
