-- Baseline (b): the statements the service issues for one transfer, as pg_stat_statements shows them, each in its
-- own transaction as the Orleans ADO.NET provider runs them (see docs/benchmarks.md):
--   1 read of the new operation grain's state (it finds nothing), 2 the operation's intent (insert + projection),
--   3 the debit and 4 the credit (ETag-checked account updates + projection into ledger.accounts/entries),
--   5 the operation's completion.
-- The account writes compute their expected version and payload in subqueries (the service has them in memory):
-- the same round trips and commits, slightly more server work.
\set from random(1, :accounts)
\set to random(1, :accounts - 1)
\set to CASE WHEN :to >= :from THEN :to + 1 ELSE :to END
\set amount random(1, 100)
\set r random(1, 2000000000)
SELECT PayloadBinary, now() AS ReadAt, Version FROM OrleansStorage
 WHERE GrainIdHash = (:r)::int AND GrainTypeHash = 1 AND GrainIdN0 = 0 AND GrainIdN1 = 0 AND GrainTypeString = 'ledger-operation'
   AND GrainIdExtensionString IS NOT DISTINCT FROM CAST('pgb-' || (:client_id)::int || '-' || (:r)::int AS text) AND ServiceId = 'pgbench';
SELECT NewGrainStateVersion FROM orleans_storage_write((:r)::int, 0, 0, 1, 'ledger-operation', 'pgb-' || (:client_id)::int || '-' || (:r)::int, 'pgbench', NULL,
  convert_to(jsonb_build_object(
    'idempotencyKey', 'pgb-' || (:client_id)::int || '-' || (:r)::int, 'operationId', md5('op-' || (:client_id)::int || '-' || (:r)::int)::uuid,
    'command', jsonb_build_object('kind', 'transfer', 'fromAccountId', md5('acct-' || (:from)::int)::uuid, 'toAccountId', md5('acct-' || (:to)::int)::uuid, 'amount', (:amount)::bigint),
    'status', 'pending', 'result', NULL, 'createdAt', now(), 'completedAt', NULL,
    'transfer', jsonb_build_object('id', md5('op-' || (:client_id)::int || '-' || (:r)::int)::uuid, 'idempotencyKey', 'pgb-' || (:client_id)::int || '-' || (:r)::int,
      'fromAccountId', md5('acct-' || (:from)::int)::uuid, 'toAccountId', md5('acct-' || (:to)::int)::uuid, 'amount', (:amount)::bigint, 'currency', 'EUR',
      'status', 'pending', 'failure', NULL, 'createdAt', now(), 'completedAt', NULL),
    'reversalReason', NULL)::text, 'UTF8'));
SELECT NewGrainStateVersion FROM orleans_storage_write((:from)::int, (:from)::int, 0, 2, 'ledger-account', NULL, 'pgbench',
  (SELECT Version FROM OrleansStorage WHERE GrainIdHash = (:from)::int AND GrainTypeHash = 2 AND GrainIdN0 = (:from)::int AND GrainIdN1 = 0
     AND GrainTypeString = 'ledger-account' AND ServiceId = 'pgbench'),
  (SELECT convert_to(jsonb_build_object('id', a.account_id, 'owner', a.owner, 'currency', a.currency, 'balance', a.balance - (:amount)::bigint,
      'lastSequence', a.last_sequence + 1, 'openedAt', a.opened_at, 'openedBy', a.account_id,
      'newEntries', jsonb_build_array(jsonb_build_object('accountId', a.account_id, 'sequence', a.last_sequence + 1,
        'operationId', md5('op-' || (:client_id)::int || '-' || (:r)::int)::uuid, 'kind', 'transferOut', 'amount', -((:amount)::bigint), 'balanceAfter', a.balance - (:amount)::bigint,
        'counterpartyAccountId', md5('acct-' || (:to)::int)::uuid, 'recordedAt', now())))::text, 'UTF8')
   FROM ledger.accounts a WHERE a.service_id = 'pgbench' AND a.account_id = md5('acct-' || (:from)::int)::uuid));
SELECT NewGrainStateVersion FROM orleans_storage_write((:to)::int, (:to)::int, 0, 2, 'ledger-account', NULL, 'pgbench',
  (SELECT Version FROM OrleansStorage WHERE GrainIdHash = (:to)::int AND GrainTypeHash = 2 AND GrainIdN0 = (:to)::int AND GrainIdN1 = 0
     AND GrainTypeString = 'ledger-account' AND ServiceId = 'pgbench'),
  (SELECT convert_to(jsonb_build_object('id', a.account_id, 'owner', a.owner, 'currency', a.currency, 'balance', a.balance + (:amount)::bigint,
      'lastSequence', a.last_sequence + 1, 'openedAt', a.opened_at, 'openedBy', a.account_id,
      'newEntries', jsonb_build_array(jsonb_build_object('accountId', a.account_id, 'sequence', a.last_sequence + 1,
        'operationId', md5('op-' || (:client_id)::int || '-' || (:r)::int)::uuid, 'kind', 'transferIn', 'amount', (:amount)::bigint, 'balanceAfter', a.balance + (:amount)::bigint,
        'counterpartyAccountId', md5('acct-' || (:from)::int)::uuid, 'recordedAt', now())))::text, 'UTF8')
   FROM ledger.accounts a WHERE a.service_id = 'pgbench' AND a.account_id = md5('acct-' || (:to)::int)::uuid));
SELECT NewGrainStateVersion FROM orleans_storage_write((:r)::int, 0, 0, 1, 'ledger-operation', 'pgb-' || (:client_id)::int || '-' || (:r)::int, 'pgbench', 1,
  convert_to(jsonb_build_object(
    'idempotencyKey', 'pgb-' || (:client_id)::int || '-' || (:r)::int, 'operationId', md5('op-' || (:client_id)::int || '-' || (:r)::int)::uuid,
    'command', jsonb_build_object('kind', 'transfer', 'fromAccountId', md5('acct-' || (:from)::int)::uuid, 'toAccountId', md5('acct-' || (:to)::int)::uuid, 'amount', (:amount)::bigint),
    'status', 'completed', 'createdAt', now(), 'completedAt', now(), 'reversalReason', NULL,
    'result', jsonb_build_object('operationId', md5('op-' || (:client_id)::int || '-' || (:r)::int)::uuid, 'error', NULL, 'account', NULL, 'entry', NULL,
      'transfer', jsonb_build_object('id', md5('op-' || (:client_id)::int || '-' || (:r)::int)::uuid, 'idempotencyKey', 'pgb-' || (:client_id)::int || '-' || (:r)::int,
        'fromAccountId', md5('acct-' || (:from)::int)::uuid, 'toAccountId', md5('acct-' || (:to)::int)::uuid, 'amount', (:amount)::bigint, 'currency', 'EUR',
        'status', 'completed', 'failure', NULL, 'createdAt', now(), 'completedAt', now())),
    'transfer', jsonb_build_object('id', md5('op-' || (:client_id)::int || '-' || (:r)::int)::uuid, 'idempotencyKey', 'pgb-' || (:client_id)::int || '-' || (:r)::int,
      'fromAccountId', md5('acct-' || (:from)::int)::uuid, 'toAccountId', md5('acct-' || (:to)::int)::uuid, 'amount', (:amount)::bigint, 'currency', 'EUR',
      'status', 'completed', 'failure', NULL, 'createdAt', now(), 'completedAt', now()))::text, 'UTF8'));
