namespace MultiCloud.Grains.Interfaces;

/// <summary>Whether the silo's storage answered a probe.</summary>
/// <param name="IsHealthy">True when the probe succeeded.</param>
/// <param name="Storage">What was probed: <c>postgresql</c> or <c>memory</c>.</param>
/// <param name="LatencyMs">Round-trip time of the probe in milliseconds.</param>
/// <param name="Detail">The error when the probe failed; null otherwise.</param>
[GenerateSerializer, Immutable]
public sealed record StorageHealth(
    [property: Id(0)] bool IsHealthy,
    [property: Id(1)] string Storage,
    [property: Id(2)] double LatencyMs,
    [property: Id(3)] string? Detail);
