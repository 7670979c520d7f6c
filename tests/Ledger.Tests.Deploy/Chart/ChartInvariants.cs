namespace MultiCloud.Tests.Chart;

/// <summary>Checks a rendered release against every invariant; an empty list means it holds them all.</summary>
public static class ChartInvariants
{
    /// <summary>The violations of <paramref name="release"/>, rendered for <paramref name="region"/>.</summary>
    /// <param name="release">The rendered objects.</param>
    /// <param name="region">What the release must show for its region.</param>
    /// <param name="hostShutdownTimeout">The silo host's HostOptions.ShutdownTimeout (the bound of its graceful stop).</param>
    public static IReadOnlyList<Violation> Check(RenderedRelease release, RegionRelease region, TimeSpan hostShutdownTimeout) =>
    [
        .. SiloPodInvariants.Check(release, region, hostShutdownTimeout),
        .. PodInvariants.Check(release),
        .. ReleaseInvariants.Check(release, region),
        .. NetworkPolicyInvariants.Check(release, region),
    ];
}
