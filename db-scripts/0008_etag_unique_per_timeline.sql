-- MultiCloud schema, script 0008: a grain state's ETag is unique per write across failovers.
--
-- Script 0003 made the ETag a version counter: 1 on insert, +1 per write. After a failover two histories share a
-- prefix: a write that the old primary committed but never replicated (version n+1, lost with it) and the promoted
-- server's next write of the same grain from version n (also n+1). The activation that made the lost write still
-- holds ETag n+1; its next write would match the promoted server's state and overwrite it, built on a state that no
-- longer exists.
--
-- A failover always starts a new WAL timeline on the promoted server (and a server that rejoins follows it). The
-- version now carries the timeline the primary writes on in its top 8 bits (timeline mod 256) and the counter in the
-- low 23 bits (mod 2^23): two writes from one base on different timelines never produce the same version, so the
-- stale activation's write finds no match and fails with an ETag conflict. The provider reads the version as a
-- 32-bit integer; both parts together stay positive. Existing rows (timeline bits 0) keep working: their next write
-- carries the current timeline.

CREATE FUNCTION orleans_storage_next_version(p_expected_version integer)
    RETURNS integer
    LANGUAGE sql
    VOLATILE
AS $fn$
    SELECT (((('x' || substr(pg_walfile_name(pg_current_wal_insert_lsn()), 1, 8))::bit(32)::bigint & 255) << 23)
            | ((COALESCE(p_expected_version, 0)::bigint + 1) & 8388607))::integer;
$fn$;

CREATE OR REPLACE FUNCTION orleans_storage_write(
    p_grain_id_hash     integer,
    p_grain_id_n0       bigint,
    p_grain_id_n1       bigint,
    p_grain_type_hash   integer,
    p_grain_type        text,
    p_grain_id_ext      text,
    p_service_id        text,
    p_expected_version  integer,
    p_payload           bytea)
    RETURNS TABLE (NewGrainStateVersion integer)
    LANGUAGE plpgsql
AS $fn$
DECLARE
    new_version integer;
BEGIN
    IF p_expected_version IS NOT NULL THEN
        UPDATE OrleansStorage s
        SET PayloadBinary = p_payload, ModifiedOn = now(), Version = orleans_storage_next_version(s.Version)
        WHERE s.GrainIdHash = p_grain_id_hash AND s.GrainTypeHash = p_grain_type_hash
          AND s.GrainIdN0 = p_grain_id_n0 AND s.GrainIdN1 = p_grain_id_n1
          AND s.GrainTypeString = p_grain_type
          AND s.GrainIdExtensionString IS NOT DISTINCT FROM p_grain_id_ext
          AND s.ServiceId = p_service_id
          AND s.Version = p_expected_version
        RETURNING s.Version INTO new_version;
    ELSE
        INSERT INTO OrleansStorage
            (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString, ServiceId,
             PayloadBinary, ModifiedOn, Version)
        VALUES
            (p_grain_id_hash, p_grain_id_n0, p_grain_id_n1, p_grain_type_hash, p_grain_type, p_grain_id_ext, p_service_id,
             p_payload, now(), orleans_storage_next_version(NULL))
        ON CONFLICT DO NOTHING
        RETURNING Version INTO new_version;
    END IF;

    IF new_version IS NOT NULL THEN
        PERFORM ledger.project_state(p_service_id, p_grain_type, p_payload);
    END IF;

    RETURN QUERY SELECT COALESCE(new_version, p_expected_version);
END
$fn$;

CREATE OR REPLACE FUNCTION orleans_storage_clear(
    p_grain_id_hash     integer,
    p_grain_id_n0       bigint,
    p_grain_id_n1       bigint,
    p_grain_type_hash   integer,
    p_grain_type        text,
    p_grain_id_ext      text,
    p_service_id        text,
    p_expected_version  integer,
    p_delete            boolean)
    RETURNS TABLE (NewGrainStateVersion integer)
    LANGUAGE plpgsql
AS $fn$
DECLARE
    new_version integer;
BEGIN
    IF p_delete THEN
        DELETE FROM OrleansStorage s
        WHERE s.GrainIdHash = p_grain_id_hash AND s.GrainTypeHash = p_grain_type_hash
          AND s.GrainIdN0 = p_grain_id_n0 AND s.GrainIdN1 = p_grain_id_n1
          AND s.GrainTypeString = p_grain_type
          AND s.GrainIdExtensionString IS NOT DISTINCT FROM p_grain_id_ext
          AND s.ServiceId = p_service_id
          AND s.Version = p_expected_version
        RETURNING orleans_storage_next_version(s.Version) INTO new_version;
    ELSE
        UPDATE OrleansStorage s
        SET PayloadBinary = NULL, ModifiedOn = now(), Version = orleans_storage_next_version(s.Version)
        WHERE s.GrainIdHash = p_grain_id_hash AND s.GrainTypeHash = p_grain_type_hash
          AND s.GrainIdN0 = p_grain_id_n0 AND s.GrainIdN1 = p_grain_id_n1
          AND s.GrainTypeString = p_grain_type
          AND s.GrainIdExtensionString IS NOT DISTINCT FROM p_grain_id_ext
          AND s.ServiceId = p_service_id
          AND s.Version = p_expected_version
        RETURNING s.Version INTO new_version;
    END IF;

    IF new_version IS NOT NULL THEN
        PERFORM ledger.unproject_state(p_service_id, p_grain_type, p_grain_id_ext);
    END IF;

    RETURN QUERY SELECT new_version;
END
$fn$;
