-- +goose Up
-- Token buckets shared by every worker: one request-rate budget per
-- credential (the key is a hash, never the credential itself).
CREATE TABLE rate_buckets (
    key        text PRIMARY KEY,
    tokens     double precision NOT NULL,
    updated_at timestamptz NOT NULL
);

-- +goose Down
DROP TABLE rate_buckets;
