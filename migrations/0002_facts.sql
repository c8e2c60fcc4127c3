-- +goose Up
-- Per-issue facts of each board, computed by internal/flow after every sync
-- or mapping change. Pages aggregate these; they never replay changelogs.
-- Dropping and rebuilding them loses nothing. Values that depend on "now"
-- (age, blocked time of unfinished work) are computed when a page is drawn.
CREATE TABLE board_issue_facts (
    board_id             bigint NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    issue_id             bigint NOT NULL REFERENCES jira_issues (id) ON DELETE CASCADE,
    key                  text NOT NULL,
    summary              text NOT NULL DEFAULT '',
    type_name            text NOT NULL,
    created_at           timestamptz NOT NULL,
    in_scope             boolean NOT NULL,
    position             integer NOT NULL,          -- current column, -1 before the board
    position_since       timestamptz NOT NULL,
    started_at           timestamptz,
    done_at              timestamptz,
    delivered            boolean NOT NULL,
    abandoned            boolean NOT NULL,
    closed_not_delivered boolean NOT NULL,
    lead_time            double precision,          -- days in the board's day mode
    calendar_days        double precision,
    time_in_state        double precision[],        -- per in-progress column, in order
    outside              double precision,          -- time outside the window
    flow_efficiency      double precision,
    blocked              double precision,          -- done issues only
    blocked_share        double precision,
    moved_changes        integer NOT NULL DEFAULT 0, -- history repair: changes before creation
    status_mismatch      boolean NOT NULL DEFAULT false,
    segments             bytea NOT NULL,            -- replayed positions, for the CFD (see internal/sync)
    PRIMARY KEY (board_id, issue_id),
    CHECK (NOT delivered OR (started_at IS NOT NULL AND done_at IS NOT NULL))
);
CREATE INDEX board_issue_facts_done ON board_issue_facts (board_id, done_at) WHERE done_at IS NOT NULL;

-- +goose Down
DROP TABLE board_issue_facts;
