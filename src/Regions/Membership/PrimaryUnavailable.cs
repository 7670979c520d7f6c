using System.Net.Sockets;
using Npgsql;

namespace MultiCloud.Regions.Membership;

/// <summary>
/// Tells a failure that means "no database primary can be reached right now" (worth retrying while a failover runs)
/// from one a retry cannot fix (a SQL error, a violated constraint, a bug).
/// </summary>
public static class PrimaryUnavailable
{
    /// <summary>
    /// True when <paramref name="exception"/>, or an exception inside it, is a connection-level Npgsql failure (no
    /// suitable host, connect or command timeout, broken connection), a socket or I/O failure, or a server error that
    /// says the server cannot take writes now: read-only transaction (25006: a standby, or a primary just demoted),
    /// shutdown (57P01, 57P02), starting up (57P03), or a connection exception (class 08).
    /// </summary>
    /// <param name="exception">The failure, as the ADO.NET provider threw it (possibly wrapped).</param>
    public static bool Is(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case PostgresException postgres:
                    return postgres.SqlState is "25006" or "57P01" or "57P02" or "57P03" || postgres.SqlState.StartsWith("08", StringComparison.Ordinal);
                case NpgsqlException or TimeoutException or SocketException or IOException:
                    return true;
                case AggregateException aggregate when aggregate.InnerExceptions.Count > 1:
                    return aggregate.InnerExceptions.All(Is);
            }
        }

        return false;
    }
}
