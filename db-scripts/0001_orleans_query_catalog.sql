-- MultiCloud schema, script 0001: the Orleans ADO.NET query catalog.
--
-- Contract: Microsoft.Orleans.Clustering.AdoNet, .Persistence.AdoNet and .Reminders.AdoNet 10.4.2 (invariant "Npgsql").
-- At start-up each provider reads the queries it runs from this table by QueryKey, caches them, and binds parameters
-- by name (@Name, rewritten to $n by Npgsql). Result columns are read by name. The providers ship no SQL; the
-- statements in scripts 0002-0004 are this project's own, written against that contract.
--
-- Applied by `scripts/db-init` (or the silo's `db-init` verb); every script runs once, in file-name order, and is
-- recorded in public.multicloud_schema_versions.

CREATE TABLE OrleansQuery
(
    QueryKey  varchar(64) NOT NULL,
    QueryText text        NOT NULL,

    CONSTRAINT OrleansQuery_Key PRIMARY KEY (QueryKey)
);

COMMENT ON TABLE OrleansQuery IS
    'Orleans ADO.NET query catalog (contract of Microsoft.Orleans.*.AdoNet 10.4.2); providers load it at start-up.';
