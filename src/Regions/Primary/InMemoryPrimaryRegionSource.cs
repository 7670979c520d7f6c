namespace MultiCloud.Regions.Primary;

/// <summary>
/// The primary-region source of the embedded in-memory default: there is no database primary, so no region
/// (placement ignores regions) and the state in memory is the only state (always confirmed).
/// </summary>
/// <param name="timeProvider">Clock for the confirmation timestamp.</param>
public sealed class InMemoryPrimaryRegionSource(TimeProvider timeProvider) : IPrimaryRegionSource
{
    /// <inheritdoc />
    public PrimaryRegionObservation Current => new(null, timeProvider.GetTimestamp());

    /// <inheritdoc />
    public bool IsWithinStalenessBound() => true;

    /// <inheritdoc />
    /// <remarks>There is no region here, so it never changes: completes only when cancelled.</remarks>
    public async Task<string?> WaitForRegionChangeAsync(string? region, CancellationToken cancellationToken)
    {
        if (region is not null)
        {
            return null;
        }

        await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        return null;
    }
}
