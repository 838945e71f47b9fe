-- Demo accounts (the built-in emulator's conferences) are marked on their own row, so the
-- mark is removed with the account and every query can tell demo data from real data.
ALTER TABLE accounts ADD COLUMN is_demo INTEGER NOT NULL DEFAULT 0;
