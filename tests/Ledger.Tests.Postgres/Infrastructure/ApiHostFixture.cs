using Xunit;

namespace MultiCloud.Tests.Infrastructure;

/// <summary>
/// One API host on PostgreSQL (the single-region profile, a fresh database of the assembly's throwaway server) shared
/// by the tests of a class. The in-memory project's API test classes are compiled into this project too, so every
/// endpoint and bad input runs on both storages with the same tests.
/// </summary>
/// <param name="postgres">The assembly's PostgreSQL server.</param>
public sealed class ApiHostFixture(PostgresServer postgres) : IAsyncLifetime
{
    /// <summary>The host.</summary>
    public ApiHost Host { get; private set; } = null!;

    /// <inheritdoc />
    public async ValueTask InitializeAsync() =>
        Host = await ApiHost.StartAsync(await postgres.CreateDatabaseAsync(), "--Ledger:MaxOperationAmount=1000000", "--Ledger:MaxBalance=10000000");

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Host.DisposeAsync();
}
