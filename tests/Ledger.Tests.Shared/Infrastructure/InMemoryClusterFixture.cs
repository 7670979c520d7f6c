using Xunit;

namespace MultiCloud.Tests.Infrastructure;

/// <summary>
/// One two-silo in-memory ledger cluster shared by the tests of a class. Limits are small so that they can be hit:
/// a balance may not exceed 10,000 and one operation may move at most 5,000 minor units.
/// </summary>
public sealed class InMemoryClusterFixture : IAsyncLifetime
{
    /// <summary>Largest balance in this cluster.</summary>
    public const long MaxBalance = 10_000;

    /// <summary>Largest amount of one operation in this cluster.</summary>
    public const long MaxOperationAmount = 5_000;

    /// <summary>The cluster.</summary>
    public LedgerCluster Cluster { get; private set; } = null!;

    /// <inheritdoc />
    public async ValueTask InitializeAsync() => Cluster = await LedgerCluster.StartInMemoryAsync(silos: 2, o =>
    {
        o.MaxBalance = MaxBalance;
        o.MaxOperationAmount = MaxOperationAmount;
    });

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Cluster.DisposeAsync();
}
