-- MultiCloud schema, script 0007: the read model answers only rows the synchronous standby already holds.
--
-- A COMMIT whose wait for the synchronous standby is cancelled (a command timeout on a primary cut off from its
-- standby) still becomes visible on that primary, and failover to the standby then loses it. Grain state is guarded
-- against that by writing a loaded state back before answering from it; the read model (history, transfer lookups,
-- reconciliation) reads SQL rows, and would list such a row to a client that then sees it vanish.
--
-- Every visible commit's WAL was flushed locally before it became visible, so once a synchronous standby has flushed
-- past the primary's flush position (read after the rows were read, on the same connection), every row the query saw
-- is on the standby. Without synchronous standbys configured (one server, or Patroni's non-strict mode having dropped
-- an unreachable standby) a commit waits for no standby and the check passes: the read is as durable as the writes.
--
-- SECURITY DEFINER: pg_stat_replication shows its LSN columns only to roles with pg_read_all_stats; the function runs
-- with the rights of the role that applied the schema and exposes one boolean.

CREATE FUNCTION ledger.replicated_up_to(p_lsn pg_lsn)
    RETURNS boolean
    LANGUAGE sql
    STABLE
    SECURITY DEFINER
    SET search_path = pg_catalog
AS $fn$
    SELECT current_setting('synchronous_standby_names') = ''
        OR EXISTS (SELECT 1 FROM pg_stat_replication
                   WHERE sync_state IN ('sync', 'quorum') AND flush_lsn >= p_lsn);
$fn$;
