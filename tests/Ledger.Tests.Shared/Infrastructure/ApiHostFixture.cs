using Xunit;

namespace MultiCloud.Tests.Infrastructure;

/// <summary>One in-memory API host shared by the tests of a class.</summary>
public sealed class ApiHostFixture : IAsyncLifetime
{
    /// <summary>The host.</summary>
    public ApiHost Host { get; private set; } = null!;

    /// <inheritdoc />
    public async ValueTask InitializeAsync() => Host = await ApiHost.StartAsync(null, "--Ledger:MaxOperationAmount=1000000", "--Ledger:MaxBalance=10000000");

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Host.DisposeAsync();
}
