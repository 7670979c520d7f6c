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
}
