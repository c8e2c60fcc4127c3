-- +goose Up
-- A team's dated notes on a board ("WIP limit 3 from here"): a date, or a
-- period when ends_on is set. Drawn on the board's time charts, and the
-- starting point of a before/after comparison.
CREATE TABLE annotations (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    board_id   bigint NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    starts_on  date NOT NULL,
    ends_on    date CHECK (ends_on >= starts_on),
    label      text NOT NULL CHECK (length(label) BETWEEN 1 AND 200),
    created_by text NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX annotations_board ON annotations (board_id, starts_on, id);

-- +goose Down
DROP TABLE annotations;
