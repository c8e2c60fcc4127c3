-- +goose Up
-- Who changed what, and when: teams, boards, their settings (before and
-- after, as the settings document), repository links and refreshes. An entry
-- keeps the names it was about, so it outlives the team or board it names.
CREATE TABLE audit_log (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at         timestamptz NOT NULL,
    actor      text NOT NULL CHECK (length(actor) BETWEEN 1 AND 320),
    team_id    bigint REFERENCES teams (id) ON DELETE SET NULL,
    team_name  text NOT NULL DEFAULT '',
    board_id   bigint,                      -- no foreign key: the entry outlives the board
    board_name text NOT NULL DEFAULT '',
    action     text NOT NULL CHECK (action ~ '^[a-z]+\.[a-z_]+$'),
    summary    text NOT NULL DEFAULT '',
    before     json,                        -- json, not jsonb: keeps the document's order for people
    after      json
);
CREATE INDEX audit_log_team ON audit_log (team_id, id DESC);

-- +goose Down
DROP TABLE audit_log;
