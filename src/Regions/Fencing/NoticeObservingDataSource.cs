using System.Data.Common;
using Npgsql;

namespace MultiCloud.Regions.Fencing;

/// <summary>
/// The grain storage's view of the shared <see cref="NpgsqlDataSource"/>: every connection it hands out reports the
/// server's notices to <see cref="UnreplicatedCommitScope"/>, so that a write PostgreSQL committed locally without its
/// synchronous standby ("might not have been replicated") fails as outcome unknown instead of counting as written.
/// Npgsql raises notices only on the connection object, so they are observed here, where the ADO.NET provider gets
/// its connections. Disposing this view leaves the shared data source alone (it belongs to the container).
/// </summary>
/// <param name="inner">The shared data source (one pool).</param>
public sealed class NoticeObservingDataSource(NpgsqlDataSource inner) : DbDataSource
{
    private static readonly NoticeEventHandler OnNotice = static (_, e) => UnreplicatedCommitScope.Report($"{e.Notice.MessageText} {e.Notice.Detail}");

    /// <inheritdoc />
    public override string ConnectionString => inner.ConnectionString;

    /// <inheritdoc />
    protected override DbConnection CreateDbConnection()
    {
        var connection = inner.CreateConnection();
        connection.Notice += OnNotice;
        return connection;
    }
}
