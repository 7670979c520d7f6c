-- MultiCloud schema, script 0009: a read-only role for analysts, who read the ledger through views made for them and
-- nothing else: no Orleans table (grain state, membership, reminders), no write, no DDL, not even a temporary table.
--
-- ledger_analyst is a group role without login (roles belong to the server, not to one database): people get their
-- own login in it, e.g. CREATE ROLE alice LOGIN PASSWORD '...' IN ROLE ledger_analyst, and should connect to the
-- standby (the views work on a hot standby). The views run with the rights of the role that applied the schema, so the
-- analyst needs no right on the tables behind them. Idempotency keys (chosen by callers) and failure details are left
-- out; the account owner (a display name) is in.
--
-- The role that applies the schema creates ledger_analyst when it may (superuser or CREATEROLE); otherwise a DBA
-- creates it once per server and db-init runs again. Several databases of one server may run this script at once
-- (the tests do): a concurrent creation is not an error.

DO $do$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'ledger_analyst') THEN
        BEGIN
            CREATE ROLE ledger_analyst NOLOGIN;
        EXCEPTION
            WHEN duplicate_object OR unique_violation THEN
                NULL;
            WHEN insufficient_privilege THEN
                RAISE EXCEPTION 'role ledger_analyst does not exist and % may not create roles: create it once on this server (CREATE ROLE ledger_analyst NOLOGIN) and run db-init again', current_user
                    USING ERRCODE = 'insufficient_privilege';
        END;
    END IF;
END
$do$;

CREATE SCHEMA analytics;

CREATE VIEW analytics.accounts AS
SELECT service_id, account_id, owner, currency, balance, last_sequence, opened_at, updated_at
FROM ledger.accounts;

CREATE VIEW analytics.entries AS
SELECT service_id, account_id, sequence, operation_id, kind, amount, balance_after, counterparty_account_id, recorded_at
FROM ledger.entries;

CREATE VIEW analytics.transfers AS
SELECT service_id, transfer_id, from_account_id, to_account_id, amount, currency, status, failure_code, created_at, completed_at
FROM ledger.transfers;

-- Money held per service and currency, minor units.
CREATE VIEW analytics.balances_by_currency AS
SELECT service_id, currency, count(*) AS accounts, sum(balance) AS balance
FROM ledger.accounts
GROUP BY service_id, currency;

COMMENT ON SCHEMA analytics IS 'Read-only views of the ledger for the ledger_analyst role (db-scripts/0009).';

GRANT USAGE ON SCHEMA analytics TO ledger_analyst;
GRANT SELECT ON analytics.accounts, analytics.entries, analytics.transfers, analytics.balances_by_currency TO ledger_analyst;

-- What PostgreSQL grants every role by default and an analyst must not have: temporary tables in this database, and
-- (before PostgreSQL 15, or in a database made from an old template) creating objects in the public schema.
DO $do$
BEGIN
    EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
END
$do$;

REVOKE CREATE ON SCHEMA public FROM PUBLIC;

-- What the above relies on, checked: a revoke by a role that does not own the database or the public schema is only a
-- warning, and a ledger_analyst made earlier by hand may have more than this script gives it.
DO $do$
DECLARE
    v_role pg_catalog.pg_roles%ROWTYPE;
BEGIN
    SELECT * INTO v_role FROM pg_catalog.pg_roles WHERE rolname = 'ledger_analyst';
    IF v_role.rolcanlogin OR v_role.rolsuper OR v_role.rolbypassrls OR v_role.rolcreaterole OR v_role.rolcreatedb THEN
        RAISE EXCEPTION 'ledger_analyst must be a plain group role (NOLOGIN, no superuser, createrole, createdb or bypassrls)'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF EXISTS (SELECT FROM pg_catalog.pg_auth_members WHERE member = v_role.oid) THEN
        RAISE EXCEPTION 'ledger_analyst is a member of other roles (%): it would read more than the analytics views',
            (SELECT string_agg(r.rolname, ', ') FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles r ON r.oid = m.roleid WHERE m.member = v_role.oid)
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF has_database_privilege('ledger_analyst', current_database(), 'TEMPORARY')
        OR has_schema_privilege('ledger_analyst', 'public', 'CREATE') THEN
        RAISE EXCEPTION 'ledger_analyst can still create temporary tables or objects in schema public: % must own the database and schema public to revoke that from PUBLIC', current_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
END
$do$;
