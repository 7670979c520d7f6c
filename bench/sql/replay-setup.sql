-- Baseline (b): accounts for the replay of the service's statements, under their own ServiceId ('pgbench') in the
-- service's own schema: one OrleansStorage row (version 1) and one ledger.accounts row per account.
DELETE FROM OrleansStorage WHERE ServiceId = 'pgbench';
DELETE FROM ledger.operations WHERE service_id = 'pgbench';
DELETE FROM ledger.transfers WHERE service_id = 'pgbench';
DELETE FROM ledger.accounts WHERE service_id = 'pgbench';
INSERT INTO ledger.accounts (service_id, account_id, owner, currency, balance, last_sequence, opened_at, updated_at)
SELECT 'pgbench', md5('acct-' || n)::uuid, 'pgbench-' || n, 'EUR', 1000000000000, 0, now(), now()
FROM generate_series(1, :accounts) n;
INSERT INTO OrleansStorage (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString, ServiceId, PayloadBinary, ModifiedOn, Version)
SELECT n, n, 0, 2, 'ledger-account', NULL, 'pgbench',
       convert_to(jsonb_build_object('id', md5('acct-' || n)::uuid, 'owner', 'pgbench-' || n, 'currency', 'EUR', 'balance', 1000000000000,
                                     'lastSequence', 0, 'openedAt', now(), 'openedBy', md5('acct-' || n)::uuid, 'newEntries', '[]'::jsonb)::text, 'UTF8'),
       now(), 1
FROM generate_series(1, :accounts) n;
ANALYZE;
