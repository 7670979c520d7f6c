namespace MultiCloud.RegionsRig;

/// <summary>How the silos reach the database primary.</summary>
public enum PrimaryRoute
{
    /// <summary>
    /// Through HAProxy in the silo's own region, which sends connections only to the server whose Patroni answers
    /// 200 on <c>/primary</c> and closes them when it stops (Patroni's recommended setup). A PostgreSQL orphaned by
    /// its Patroni still says it is a primary, but its Patroni no longer says so, and HAProxy follows Patroni.
    /// </summary>
    HAProxy,

    /// <summary>
    /// Npgsql's multi-host connection string (both regions' servers, <c>Target Session Attributes=primary</c>): the
    /// driver asks each server whether it is a primary. Kept for single-region use and to measure against.
    /// </summary>
    MultiHost,
}
