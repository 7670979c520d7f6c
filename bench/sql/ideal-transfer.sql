-- Baseline (a): one transfer = two balance updates and one ledger insert, in one transaction.
\set from random(1, :accounts)
\set to random(1, :accounts - 1)
\set to CASE WHEN :to >= :from THEN :to + 1 ELSE :to END
\set amount random(1, 100)
BEGIN;
UPDATE bench.accounts SET balance = balance - :amount WHERE id = :from;
UPDATE bench.accounts SET balance = balance + :amount WHERE id = :to;
INSERT INTO bench.entries (from_id, to_id, amount, at) VALUES (:from, :to, :amount, now());
END;
