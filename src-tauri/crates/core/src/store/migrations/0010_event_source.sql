-- How each cached event arrived: by polling `/v1/events` or pushed by a webhook delivery
-- (an object's timeline shows it). Events cached before this migration were polled or pushed;
-- which is not known, so they count as polled.
ALTER TABLE cache_events ADD COLUMN source TEXT NOT NULL DEFAULT 'poll' CHECK (source IN ('poll', 'webhook'));
