-- MultiCloud schema, script 0006: the same projection with fewer statements per grain state write.
--
-- Measured with bench/run (docs/benchmarks.md): PostgreSQL's CPU is most of the cost of a transfer, and most of it
-- is spent inside the projection functions. Same rules and the same invariants as script 0005, fewer executor
-- round trips inside the database:
--   * an account write inserts its entries and takes their sum and count from the INSERT's RETURNING (one pass over
--     the JSON instead of two), then updates the account row with the invariant in the WHERE clause (one statement
--     instead of a SELECT and an UPDATE); only the first write of an account or a write that breaks the invariant
--     takes the slow path;
--   * an operation write updates only what changes after the first write (status, result, completion);
--   * ix_entries_transfer is dropped: reconciliation scans every transfer entry anyway, and retries look entries up
--     by the unique (service, account, operation, kind) key.

DROP INDEX ledger.ix_entries_transfer;

CREATE OR REPLACE FUNCTION ledger.project_account(p_service_id text, p_doc jsonb)
    RETURNS void
    LANGUAGE plpgsql
AS $fn$
DECLARE
    v_account_id    uuid   := (p_doc ->> 'id')::uuid;
    v_balance       bigint := (p_doc ->> 'balance')::bigint;
    v_last_sequence bigint := (p_doc ->> 'lastSequence')::bigint;
    v_delta         bigint;
    v_count         bigint;
    v_prev_balance  bigint;
    v_prev_sequence bigint;
BEGIN
    WITH inserted AS (
        INSERT INTO ledger.entries
            (service_id, account_id, sequence, operation_id, kind, amount, balance_after, counterparty_account_id, recorded_at)
        SELECT p_service_id, v_account_id, e."sequence", e."operationId", e."kind", e."amount", e."balanceAfter",
               e."counterpartyAccountId", e."recordedAt"
        FROM jsonb_to_recordset(p_doc -> 'newEntries') AS e
            ("sequence" bigint, "operationId" uuid, "kind" text, "amount" bigint, "balanceAfter" bigint,
             "counterpartyAccountId" uuid, "recordedAt" timestamptz)
        RETURNING amount)
    SELECT COALESCE(sum(amount), 0), count(*) INTO v_delta, v_count FROM inserted;

    UPDATE ledger.accounts a
    SET balance = v_balance, last_sequence = v_last_sequence, updated_at = now()
    WHERE a.service_id = p_service_id AND a.account_id = v_account_id
      AND a.balance + v_delta = v_balance AND a.last_sequence + v_count = v_last_sequence;
    IF FOUND THEN
        RETURN;
    END IF;

    -- Not updated: either the account's first write, or a write that breaks the invariant.
    SELECT a.balance, a.last_sequence INTO v_prev_balance, v_prev_sequence
    FROM ledger.accounts a
    WHERE a.service_id = p_service_id AND a.account_id = v_account_id;
    IF FOUND OR v_delta <> v_balance OR v_count <> v_last_sequence THEN
        RAISE EXCEPTION 'ledger invariant violated for account %: balance % + entries % <> %, or sequence % + % <> %',
            v_account_id, COALESCE(v_prev_balance, 0), v_delta, v_balance, COALESCE(v_prev_sequence, 0), v_count, v_last_sequence
            USING ERRCODE = 'MC001';
    END IF;

    INSERT INTO ledger.accounts (service_id, account_id, owner, currency, balance, last_sequence, opened_at, updated_at)
    VALUES (p_service_id, v_account_id, p_doc ->> 'owner', p_doc ->> 'currency', v_balance, v_last_sequence,
            (p_doc ->> 'openedAt')::timestamptz, now());
END
$fn$;

CREATE OR REPLACE FUNCTION ledger.project_operation(p_service_id text, p_doc jsonb)
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
        SET status = EXCLUDED.status, result = EXCLUDED.result, completed_at = EXCLUDED.completed_at, updated_at = now();

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
            SET status = EXCLUDED.status, failure_code = EXCLUDED.failure_code, failure_field = EXCLUDED.failure_field,
                failure_detail = EXCLUDED.failure_detail, completed_at = EXCLUDED.completed_at, updated_at = now();
    END IF;
END
$fn$;
