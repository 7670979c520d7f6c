-- MultiCloud schema, script 0003: grain state for Microsoft.Orleans.Persistence.AdoNet 10.4.2.
--
-- Query keys loaded: WriteToStorageKey, ReadFromStorageKey, ClearStorageKey, DeleteStorageKey.
--
-- ETag contract: Version is the grain state's ETag. A write carries the version the grain read (NULL when it read
-- nothing) and succeeds only if the stored version still equals it; the result is the new version. When nothing was
-- written the old version (or NULL) comes back and the provider raises InconsistentStateException: a second
-- activation of the same grain can never overwrite the first one's state silently.
--
-- Differences from the Orleans reference script, on purpose:
--  * a UNIQUE index over the grain identity (NULLS NOT DISTINCT): two activations inserting the first state of one
--    grain at the same time cannot both succeed (the reference script's INSERT ... WHERE NOT EXISTS can, under READ
--    COMMITTED);
--  * every successful write, clear or delete also maintains the ledger's own tables (script 0005) in the same
--    transaction, via ledger.project_state / ledger.unproject_state. Other grain types pass through untouched.

CREATE TABLE OrleansStorage
(
    GrainIdHash            integer      NOT NULL,
    GrainIdN0              bigint       NOT NULL,
    GrainIdN1              bigint       NOT NULL,
    GrainTypeHash          integer      NOT NULL,
    GrainTypeString        varchar(512) NOT NULL,
    GrainIdExtensionString varchar(512) NULL,
    ServiceId              varchar(150) NOT NULL,
    PayloadBinary          bytea        NULL,
    ModifiedOn             timestamptz  NOT NULL,
    Version                integer      NULL
);

CREATE UNIQUE INDEX UX_OrleansStorage_Grain ON OrleansStorage
    (GrainIdHash, GrainTypeHash, GrainIdN0, GrainIdN1, GrainTypeString, GrainIdExtensionString, ServiceId)
    NULLS NOT DISTINCT;

CREATE FUNCTION orleans_storage_write(
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
        SET PayloadBinary = p_payload, ModifiedOn = now(), Version = s.Version + 1
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
             p_payload, now(), 1)
        ON CONFLICT DO NOTHING
        RETURNING Version INTO new_version;
    END IF;

    IF new_version IS NOT NULL THEN
        PERFORM ledger.project_state(p_service_id, p_grain_type, p_payload);
    END IF;

    RETURN QUERY SELECT COALESCE(new_version, p_expected_version);
END
$fn$;

-- Clears (PayloadBinary NULL, version bumped) or deletes the state if the version still matches.
CREATE FUNCTION orleans_storage_clear(
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
        RETURNING s.Version + 1 INTO new_version;
    ELSE
        UPDATE OrleansStorage s
        SET PayloadBinary = NULL, ModifiedOn = now(), Version = s.Version + 1
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

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('WriteToStorageKey', $q$
    SELECT NewGrainStateVersion FROM orleans_storage_write(@GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash,
        @GrainTypeString, @GrainIdExtensionString, @ServiceId, @GrainStateVersion, @PayloadBinary);
$q$),
('ReadFromStorageKey', $q$
    SELECT PayloadBinary, now() AS ReadAt, Version
    FROM OrleansStorage
    WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
      AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
      AND GrainTypeString = @GrainTypeString
      AND GrainIdExtensionString IS NOT DISTINCT FROM CAST(@GrainIdExtensionString AS text)
      AND ServiceId = @ServiceId;
$q$),
('ClearStorageKey', $q$
    SELECT NewGrainStateVersion FROM orleans_storage_clear(@GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash,
        @GrainTypeString, @GrainIdExtensionString, @ServiceId, @GrainStateVersion, false);
$q$),
('DeleteStorageKey', $q$
    SELECT NewGrainStateVersion FROM orleans_storage_clear(@GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash,
        @GrainTypeString, @GrainIdExtensionString, @ServiceId, @GrainStateVersion, true);
$q$);
