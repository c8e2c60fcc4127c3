-- +goose Up
-- Blocked (Flagged) time of each done issue split by the state it was in while
-- flagged, parallel to time_in_state (one value per in-progress column, in
-- order) and outside, in the board's day mode; they add up to blocked. Facts
-- written before this migration have NULL here until the board's next rebuild
-- (every sync rebuilds): the detailed lead-time view then shows no per-state
-- blocked time for windows holding such facts.
ALTER TABLE board_issue_facts
    ADD COLUMN blocked_in_state double precision[],
    ADD COLUMN blocked_outside  double precision;

-- +goose Down
ALTER TABLE board_issue_facts DROP COLUMN blocked_in_state, DROP COLUMN blocked_outside;
