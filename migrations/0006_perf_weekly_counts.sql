-- +goose Up
-- Per board, week and issue type: how many in-scope issues were created,
-- started, delivered and closed without delivery (internal/flow's Counter
-- over the board's facts, in the board's local weeks). Written with the
-- facts in one transaction after every rebuild, so a quadrant view reads a
-- few hundred counts and the lead times of its window instead of every
-- fact of the board. Rebuildable like the facts.
CREATE TABLE board_weekly_counts (
    board_id             bigint NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    week                 date NOT NULL,             -- the week's Monday
    type_name            text NOT NULL,
    created              integer NOT NULL,
    started              integer NOT NULL,
    delivered            integer NOT NULL,
    closed_not_delivered integer NOT NULL,
    PRIMARY KEY (board_id, week, type_name)
);

-- Which boards have counts, and from which version of their definition,
-- with the board's live in-filter issues at that rebuild (what the board
-- header and the home page show: counting them live joins every issue of
-- the board on each page). Boards rebuilt before this migration have no
-- row: their pages read every fact and count live, as before, until the
-- next sync rebuilds them.
CREATE TABLE board_aggregates (
    board_id bigint PRIMARY KEY REFERENCES boards (id) ON DELETE CASCADE,
    version  integer NOT NULL,
    issues   integer NOT NULL,
    built_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE board_aggregates, board_weekly_counts;
