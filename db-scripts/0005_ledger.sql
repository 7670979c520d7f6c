-- MultiCloud schema, script 0005: the ledger's own tables, kept in step with the grain states.
--
-- The account and operation grains persist their state as JSON through the ADO.NET storage provider (script 0003).
-- orleans_storage_write calls ledger.project_state after its ETag-checked write, inside the same statement and
-- transaction, so a grain state and the rows derived from it are committed together or not at all:
--   ledger-account   -> ledger.accounts (one row per account) and ledger.entries (the entries new in this write);
--   ledger-operation -> ledger.operations (one row per idempotency key) and, for transfers, ledger.transfers.
-- Clearing an operation (idempotency retention ended) deletes its ledger.operations row; transfers and entries stay.
--
-- Invariants the database enforces, whatever the application does:
--   * entries are append-only (no UPDATE or DELETE), numbered 1..n per account, one entry per (operation, kind);
--   * a write's new balance equals the previous balance plus the amounts of the entries it adds, and its last
--     sequence advances by the number of entries it adds (SQLSTATE MC001 otherwise: the write fails, nothing changes);
--   * no balance is negative.
-- Every table carries the Orleans ServiceId, like OrleansStorage, so several services can share one database.

CREATE SCHEMA ledger;

CREATE TABLE ledger.accounts
(
    service_id    text        NOT NULL,
    account_id    uuid        NOT NULL,
    owner         text        NOT NULL,
    currency      text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    balance       bigint      NOT NULL CHECK (balance >= 0),
    last_sequence bigint      NOT NULL CHECK (last_sequence >= 0),
    opened_at     timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,

    PRIMARY KEY (service_id, account_id)
);

CREATE TABLE ledger.entries
(
    service_id              text        NOT NULL,
    account_id              uuid        NOT NULL,
    sequence                bigint      NOT NULL CHECK (sequence > 0),
    operation_id            uuid        NOT NULL,
    kind                    text        NOT NULL
        CHECK (kind IN ('deposit', 'withdrawal', 'transferOut', 'transferIn', 'transferReversal')),
    amount                  bigint      NOT NULL CHECK (amount <> 0),
    balance_after           bigint      NOT NULL CHECK (balance_after >= 0),
    counterparty_account_id uuid        NULL,
    recorded_at             timestamptz NOT NULL,

    PRIMARY KEY (service_id, account_id, sequence),
    CONSTRAINT ux_entries_operation UNIQUE (service_id, account_id, operation_id, kind),
    CONSTRAINT ck_entries_sign CHECK ((kind IN ('withdrawal', 'transferOut')) = (amount < 0))
);

CREATE INDEX ix_entries_transfer ON ledger.entries (service_id, operation_id)
    WHERE kind IN ('transferOut', 'transferIn', 'transferReversal');

CREATE FUNCTION ledger.refuse_entry_change()
    RETURNS trigger
    LANGUAGE plpgsql
AS $fn$
BEGIN
    RAISE EXCEPTION 'ledger.entries is append-only (% refused)', TG_OP USING ERRCODE = 'MC002';
END
$fn$;

CREATE TRIGGER entries_append_only
    BEFORE UPDATE OR DELETE ON ledger.entries
    FOR EACH ROW EXECUTE FUNCTION ledger.refuse_entry_change();

CREATE TABLE ledger.operations
(
    service_id      text        NOT NULL,
    idempotency_key text        NOT NULL,
    operation_id    uuid        NOT NULL,
    kind            text        NOT NULL,
    status          text        NOT NULL CHECK (status IN ('pending', 'reversing', 'completed')),
    command         jsonb       NOT NULL,
    result          jsonb       NULL,
    created_at      timestamptz NOT NULL,
    completed_at    timestamptz NULL,
    updated_at      timestamptz NOT NULL,

    PRIMARY KEY (service_id, idempotency_key)
);

CREATE INDEX ix_operations_unfinished ON ledger.operations (service_id, created_at) WHERE status <> 'completed';
CREATE INDEX ix_operations_completed ON ledger.operations (service_id, completed_at) WHERE status = 'completed';

CREATE TABLE ledger.transfers
(
    service_id      text        NOT NULL,
    transfer_id     uuid        NOT NULL,
    idempotency_key text        NOT NULL,
    from_account_id uuid        NOT NULL,
    to_account_id   uuid        NOT NULL,
    amount          bigint      NOT NULL CHECK (amount > 0),
    currency        text        NOT NULL CHECK (currency ~ '^([A-Z]{3})?$'),
    status          text        NOT NULL CHECK (status IN ('pending', 'completed', 'rejected')),
    failure_code    text        NULL,
    failure_field   text        NULL,
    failure_detail  text        NULL,
    created_at      timestamptz NOT NULL,
    completed_at    timestamptz NULL,
    updated_at      timestamptz NOT NULL,

    PRIMARY KEY (service_id, transfer_id)
);

CREATE INDEX ix_transfers_idempotency_key ON ledger.transfers (service_id, idempotency_key);

CREATE FUNCTION ledger.project_account(p_service_id text, p_doc jsonb)
    RETURNS void
    LANGUAGE plpgsql
AS $fn$
DECLARE
    v_account_id    uuid   := (p_doc ->> 'id')::uuid;
    v_balance       bigint := (p_doc ->> 'balance')::bigint;
    v_last_sequence bigint := (p_doc ->> 'lastSequence')::bigint;
    v_prev_balance  bigint;
    v_prev_sequence bigint;
    v_delta         bigint;
    v_count         bigint;
BEGIN
    SELECT COALESCE(sum(e.amount), 0), count(*) INTO v_delta, v_count
    FROM jsonb_to_recordset(p_doc -> 'newEntries') AS e (amount bigint);

    SELECT a.balance, a.last_sequence INTO v_prev_balance, v_prev_sequence
    FROM ledger.accounts a
    WHERE a.service_id = p_service_id AND a.account_id = v_account_id;

    IF NOT FOUND THEN
        v_prev_balance := 0;
        v_prev_sequence := 0;
        INSERT INTO ledger.accounts (service_id, account_id, owner, currency, balance, last_sequence, opened_at, updated_at)
        VALUES (p_service_id, v_account_id, p_doc ->> 'owner', p_doc ->> 'currency', v_balance, v_last_sequence,
                (p_doc ->> 'openedAt')::timestamptz, now());
    ELSE
        UPDATE ledger.accounts a
        SET balance = v_balance, last_sequence = v_last_sequence, updated_at = now()
        WHERE a.service_id = p_service_id AND a.account_id = v_account_id;
    END IF;

    IF v_prev_balance + v_delta <> v_balance OR v_prev_sequence + v_count <> v_last_sequence THEN
        RAISE EXCEPTION 'ledger invariant violated for account %: balance % + entries % <> %, or sequence % + % <> %',
            v_account_id, v_prev_balance, v_delta, v_balance, v_prev_sequence, v_count, v_last_sequence
            USING ERRCODE = 'MC001';
    END IF;

    INSERT INTO ledger.entries
        (service_id, account_id, sequence, operation_id, kind, amount, balance_after, counterparty_account_id, recorded_at)
    SELECT p_service_id, v_account_id, e."sequence", e."operationId", e."kind", e."amount", e."balanceAfter",
           e."counterpartyAccountId", e."recordedAt"
    FROM jsonb_to_recordset(p_doc -> 'newEntries') AS e
        ("accountId" uuid, "sequence" bigint, "operationId" uuid, "kind" text, "amount" bigint, "balanceAfter" bigint,
         "counterpartyAccountId" uuid, "recordedAt" timestamptz);
END
$fn$;

CREATE FUNCTION ledger.project_operation(p_service_id text, p_doc jsonb)
    RETURNS void
    LANGUAGE plpgsql
AS $fn$
DECLARE
    v_transfer jsonb := p_doc -> 'transfer';
BEGIN
    INSERT INTO ledger.operations AS o
        (service_id, idempotency_key, operation_id, kind, status, command, result, created_at, completed_at, updated_at)
    VALUES (p_service_id, p_doc ->> 'idempotencyKey', (p_doc ->> 'operationId')::uuid, p_doc -> 'command' ->> 'kind',
            p_doc ->> 'status', p_doc -> 'command', NULLIF(p_doc -> 'result', 'null'::jsonb),
            (p_doc ->> 'createdAt')::timestamptz, (p_doc ->> 'completedAt')::timestamptz, now())
    ON CONFLICT (service_id, idempotency_key) DO UPDATE
        SET operation_id = EXCLUDED.operation_id, kind = EXCLUDED.kind, status = EXCLUDED.status,
            command = EXCLUDED.command, result = EXCLUDED.result, created_at = EXCLUDED.created_at,
            completed_at = EXCLUDED.completed_at, updated_at = now();

    IF jsonb_typeof(v_transfer) = 'object' THEN
        INSERT INTO ledger.transfers AS t
            (service_id, transfer_id, idempotency_key, from_account_id, to_account_id, amount, currency, status,
             failure_code, failure_field, failure_detail, created_at, completed_at, updated_at)
        VALUES (p_service_id, (v_transfer ->> 'id')::uuid, v_transfer ->> 'idempotencyKey',
                (v_transfer ->> 'fromAccountId')::uuid, (v_transfer ->> 'toAccountId')::uuid,
                (v_transfer ->> 'amount')::bigint, v_transfer ->> 'currency', v_transfer ->> 'status',
                v_transfer -> 'failure' ->> 'code', v_transfer -> 'failure' ->> 'field', v_transfer -> 'failure' ->> 'detail',
                (v_transfer ->> 'createdAt')::timestamptz, (v_transfer ->> 'completedAt')::timestamptz, now())
        ON CONFLICT (service_id, transfer_id) DO UPDATE
            SET status = EXCLUDED.status, currency = EXCLUDED.currency, failure_code = EXCLUDED.failure_code,
                failure_field = EXCLUDED.failure_field, failure_detail = EXCLUDED.failure_detail,
                completed_at = EXCLUDED.completed_at, updated_at = now();
    END IF;
END
$fn$;

-- Called by orleans_storage_write after every successful write of any grain state.
CREATE FUNCTION ledger.project_state(p_service_id text, p_state_name text, p_payload bytea)
    RETURNS void
    LANGUAGE plpgsql
AS $fn$
BEGIN
    IF p_payload IS NULL THEN
        RETURN;
    ELSIF p_state_name = 'ledger-account' THEN
        PERFORM ledger.project_account(p_service_id, convert_from(p_payload, 'UTF8')::jsonb);
    ELSIF p_state_name = 'ledger-operation' THEN
        PERFORM ledger.project_operation(p_service_id, convert_from(p_payload, 'UTF8')::jsonb);
    END IF;
END
$fn$;

-- Called by orleans_storage_clear after every successful clear or delete of any grain state.
CREATE FUNCTION ledger.unproject_state(p_service_id text, p_state_name text, p_grain_key text)
    RETURNS void
    LANGUAGE plpgsql
AS $fn$
BEGIN
    IF p_state_name = 'ledger-operation' THEN
        DELETE FROM ledger.operations o WHERE o.service_id = p_service_id AND o.idempotency_key = p_grain_key;
    END IF;
END
$fn$;
