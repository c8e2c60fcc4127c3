-- +goose Up
-- Per board, issue type and local day: the board's in-scope issues of that
-- type at each position at the end of the day (bands[1] = unmapped, then
-- the columns in order), on the days they changed (internal/flow's
-- CFDCounter over the facts' position segments). Written with the facts
-- and the weekly counts in one transaction after every rebuild, so a CFD
-- reads the days it shows and, per type, the last day before them instead
-- of every fact's segments. Rebuildable like the facts.
CREATE TABLE board_cfd_counts (
    board_id  bigint NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    type_name text NOT NULL,
    day       date NOT NULL,
    bands     integer[] NOT NULL,
    PRIMARY KEY (board_id, type_name, day)
);

-- The weekly counts (board_weekly_counts' columns) as they would be if the
-- board's lead time started at another column (start_seq, with the
-- board's end column): a view that overrides the start column reads these
-- and replays only the items of its lead-time window.
CREATE TABLE board_start_counts (
    board_id             bigint NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    start_seq            integer NOT NULL,
    week                 date NOT NULL,
    type_name            text NOT NULL,
    created              integer NOT NULL,
    started              integer NOT NULL,
    delivered            integer NOT NULL,
    closed_not_delivered integer NOT NULL,
    PRIMARY KEY (board_id, start_seq, week, type_name)
);

-- When the board's earliest in-scope issue was created (the quarterly
-- view's first quarter and every forecast's first week); NULL: none.
ALTER TABLE board_aggregates ADD COLUMN first_created timestamptz;

-- The work in progress of a board (the aging view reads only these facts):
-- in-scope issues started and not done.
CREATE INDEX board_issue_facts_wip ON board_issue_facts (board_id, issue_id)
    WHERE in_scope AND started_at IS NOT NULL AND done_at IS NULL;

-- +goose Down
DROP INDEX board_issue_facts_wip;
ALTER TABLE board_aggregates DROP COLUMN first_created;
DROP TABLE board_start_counts, board_cfd_counts;
