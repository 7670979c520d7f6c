-- Baseline (a): the ideal SQL of a transfer. Accounts and an entries table, nothing else.
DROP SCHEMA IF EXISTS bench CASCADE;
CREATE SCHEMA bench;
CREATE TABLE bench.accounts (id integer PRIMARY KEY, balance bigint NOT NULL CHECK (balance >= 0));
CREATE TABLE bench.entries (id bigserial PRIMARY KEY, from_id integer NOT NULL, to_id integer NOT NULL, amount bigint NOT NULL, at timestamptz NOT NULL);
INSERT INTO bench.accounts SELECT n, 1000000000000 FROM generate_series(1, :accounts) n;
VACUUM ANALYZE bench.accounts;
