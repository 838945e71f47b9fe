-- Every change to an account's sync status counts up its `revision`. A status reaches the
-- window two ways, pushed as an event and read back in answer to a question, and the two can
-- cross; the window keeps the status with the higher revision, so an older answer arriving
-- late never hides a newer state (a finished sync shown as still running).
ALTER TABLE sync_status ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;

-- The WHEN clause keeps the trigger's own update from counting again, whether or not
-- recursive triggers are on.
CREATE TRIGGER sync_status_revision AFTER UPDATE ON sync_status
WHEN NEW.revision = OLD.revision
BEGIN
    UPDATE sync_status SET revision = OLD.revision + 1 WHERE account_id = NEW.account_id;
END;
