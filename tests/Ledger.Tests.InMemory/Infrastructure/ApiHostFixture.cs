using Xunit;

namespace MultiCloud.Tests.Infrastructure;

/// <summary>One API host on the in-memory default shared by the tests of a class (the PostgreSQL project has its own, on a throwaway database).</summary>
public sealed class ApiHostFixture : IAsyncLifetime
{
    /// <summary>The host.</summary>
    public ApiHost Host { get; private set; } = null!;

    /// <inheritdoc />
    public async ValueTask InitializeAsync() => Host = await ApiHost.StartAsync(null, "--Ledger:MaxOperationAmount=1000000", "--Ledger:MaxBalance=10000000");

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Host.DisposeAsync();
}
