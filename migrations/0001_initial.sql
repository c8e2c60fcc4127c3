-- +goose Up
-- Vger's initial schema. Source rows are keyed by the source's ids (never by
-- JIRA issue key, which changes when an issue moves projects).

CREATE TABLE teams (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    slug       text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE boards (
    id                      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    team_id                 bigint NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    name                    text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    slug                    text NOT NULL CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    jira_board_id           bigint NOT NULL CHECK (jira_board_id > 0),
    filter_jql              text NOT NULL DEFAULT '',   -- the JIRA board's own filter, as last read
    extra_jql               text NOT NULL DEFAULT '',   -- the team's optional narrowing
    time_zone               text NOT NULL DEFAULT 'UTC',
    day_mode                text NOT NULL DEFAULT 'working' CHECK (day_mode IN ('working', 'calendar')),
    lead_start_seq          integer NOT NULL DEFAULT 0,
    lead_end_seq            integer NOT NULL DEFAULT 1,
    rolling_weeks           integer NOT NULL DEFAULT 12 CHECK (rolling_weeks BETWEEN 4 AND 104),
    include_subtasks        boolean NOT NULL DEFAULT false,
    invalid_resolutions     text[] NOT NULL DEFAULT ARRAY['Abandon','Abort','Descoped','Discard','Duplicate','Invalid','Not a Bug','Won''t Do','Won''t Fix','Cannot Reproduce'],
    holidays                date[] NOT NULL DEFAULT '{}',
    fiscal_year_start_month integer NOT NULL DEFAULT 1 CHECK (fiscal_year_start_month BETWEEN 1 AND 12),
    sync_since              date,                       -- history depth of the first sync
    tag_pattern             text NOT NULL DEFAULT '',   -- regular expression; empty: every tag
    pr_exclude_authors      text[] NOT NULL DEFAULT '{}',
    pr_base_branches        text[] NOT NULL DEFAULT '{}', -- empty: every base branch
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    UNIQUE (team_id, slug),
    CHECK (lead_start_seq >= 0 AND lead_start_seq < lead_end_seq)
);
CREATE INDEX boards_jira_board_id ON boards (jira_board_id);

-- A board's ordered work states (its columns), and which statuses map to each.
CREATE TABLE board_states (
    board_id bigint NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    seq      integer NOT NULL CHECK (seq >= 0),
    name     text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    active   boolean NOT NULL DEFAULT true,
    PRIMARY KEY (board_id, seq)
);

-- The primary key makes "a status mapped by two columns" impossible.
CREATE TABLE board_status_map (
    board_id  bigint NOT NULL,
    status_id text NOT NULL,
    seq       integer NOT NULL,
    PRIMARY KEY (board_id, status_id),
    FOREIGN KEY (board_id, seq) REFERENCES board_states (board_id, seq) ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE TABLE work_types (
    board_id       bigint NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    name           text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    issue_type_ids text[] NOT NULL CHECK (cardinality(issue_type_ids) > 0),
    PRIMARY KEY (board_id, name)
);

-- Every configuration the JIRA board had, stored when its hash changes, so a
-- column change is noticed instead of silently losing history.
CREATE TABLE board_config_snapshots (
    board_id bigint NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    hash     bytea NOT NULL,
    config   jsonb NOT NULL,
    taken_at timestamptz NOT NULL,
    PRIMARY KEY (board_id, hash)
);

CREATE TABLE jira_statuses (
    id         text PRIMARY KEY,
    name       text NOT NULL,
    category   text NOT NULL CHECK (category IN ('new', 'indeterminate', 'done', 'undefined')),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE jira_issue_types (
    id              text PRIMARY KEY,
    name            text NOT NULL,
    subtask         boolean NOT NULL DEFAULT false,
    hierarchy_level integer NOT NULL DEFAULT 0,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE jira_issues (
    id                 bigint PRIMARY KEY,            -- JIRA's issue id
    key                text NOT NULL,
    project            text NOT NULL,
    type_id            text NOT NULL,
    status_id          text NOT NULL,
    resolution         text NOT NULL DEFAULT '',      -- '' = unresolved
    summary            text NOT NULL DEFAULT '',
    parent_id          bigint,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    resolved_at        timestamptz,
    deleted_at         timestamptz,                   -- no longer returned by JIRA; history kept
    first_seen_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jira_issues_key ON jira_issues (key);
CREATE INDEX jira_issues_updated_at ON jira_issues (updated_at);

-- Every key an issue has had (moves between projects change it).
CREATE TABLE jira_issue_keys (
    issue_id      bigint NOT NULL REFERENCES jira_issues (id) ON DELETE CASCADE,
    key           text NOT NULL,
    first_seen_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (issue_id, key)
);

CREATE TABLE jira_status_changes (
    issue_id       bigint NOT NULL REFERENCES jira_issues (id) ON DELETE CASCADE,
    history_id     bigint NOT NULL,
    item_seq       smallint NOT NULL CHECK (item_seq >= 0),
    at             timestamptz NOT NULL,
    from_status_id text NOT NULL DEFAULT '',
    to_status_id   text NOT NULL,
    PRIMARY KEY (issue_id, history_id, item_seq)
);

CREATE TABLE jira_flag_changes (
    issue_id   bigint NOT NULL REFERENCES jira_issues (id) ON DELETE CASCADE,
    history_id bigint NOT NULL,
    item_seq   smallint NOT NULL CHECK (item_seq >= 0),
    at         timestamptz NOT NULL,
    flagged    boolean NOT NULL,
    PRIMARY KEY (issue_id, history_id, item_seq)
);

-- Which issues a board's filter returns; in_filter = false once it stops matching.
CREATE TABLE board_issues (
    board_id  bigint NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    issue_id  bigint NOT NULL REFERENCES jira_issues (id) ON DELETE CASCADE,
    in_filter boolean NOT NULL DEFAULT true,
    PRIMARY KEY (board_id, issue_id)
);
CREATE INDEX board_issues_issue ON board_issues (issue_id);

CREATE TABLE repos (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner          text NOT NULL CHECK (owner ~ '^[A-Za-z0-9_.-]{1,100}$'),
    name           text NOT NULL CHECK (name ~ '^[A-Za-z0-9_.-]{1,100}$'),
    default_branch text NOT NULL DEFAULT '',
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX repos_owner_name ON repos (lower(owner), lower(name));

CREATE TABLE board_repos (
    board_id bigint NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    repo_id  bigint NOT NULL REFERENCES repos (id) ON DELETE CASCADE,
    PRIMARY KEY (board_id, repo_id)
);

CREATE TABLE pull_requests (
    repo_id       bigint NOT NULL REFERENCES repos (id) ON DELETE CASCADE,
    number        integer NOT NULL CHECK (number > 0),
    node_id       text NOT NULL DEFAULT '',
    author        text NOT NULL DEFAULT '',
    title         text NOT NULL DEFAULT '',
    state         text NOT NULL CHECK (state IN ('open', 'closed')),
    base_ref      text NOT NULL DEFAULT '',
    head_ref      text NOT NULL DEFAULT '',
    draft         boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    closed_at     timestamptz,
    merged_at     timestamptz,
    additions     integer CHECK (additions >= 0),     -- NULL until sizes are read
    deletions     integer CHECK (deletions >= 0),
    changed_files integer CHECK (changed_files >= 0),
    PRIMARY KEY (repo_id, number),
    CHECK (merged_at IS NULL OR closed_at IS NOT NULL),
    CHECK ((state = 'closed') = (closed_at IS NOT NULL))
);
CREATE INDEX pull_requests_merged ON pull_requests (repo_id, merged_at) WHERE merged_at IS NOT NULL;

CREATE TABLE tags (
    repo_id   bigint NOT NULL REFERENCES repos (id) ON DELETE CASCADE,
    name      text NOT NULL,
    sha       text NOT NULL,
    at        timestamptz,                             -- commit or tagger date
    annotated boolean NOT NULL DEFAULT false,
    PRIMARY KEY (repo_id, name)
);

-- One row per syncable scope: a board (its JIRA issues) or a repo.
CREATE TABLE sync_state (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind          text NOT NULL CHECK (kind IN ('board', 'repo')),
    board_id      bigint UNIQUE REFERENCES boards (id) ON DELETE CASCADE,
    repo_id       bigint UNIQUE REFERENCES repos (id) ON DELETE CASCADE,
    watermark     timestamptz,          -- source rows updated before this are stored
    cursor        text NOT NULL DEFAULT '',
    swept_at      timestamptz,          -- last deleted/out-of-filter sweep
    last_ok_at    timestamptz,
    last_error    text NOT NULL DEFAULT '',
    last_error_at timestamptz,
    counts        jsonb NOT NULL DEFAULT '{}',
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'board') = (board_id IS NOT NULL)),
    CHECK ((kind = 'repo') = (repo_id IS NOT NULL))
);

-- Every sync attempt with its live progress (phase, done/total).
CREATE TABLE sync_runs (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind        text NOT NULL CHECK (kind IN ('board', 'repo')),
    board_id    bigint REFERENCES boards (id) ON DELETE CASCADE,
    repo_id     bigint REFERENCES repos (id) ON DELETE CASCADE,
    full_sync   boolean NOT NULL DEFAULT false,
    status      text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'ok', 'failed', 'cancelled')),
    phase       text NOT NULL DEFAULT '',
    done        bigint NOT NULL DEFAULT 0,
    total       bigint,
    started_at  timestamptz NOT NULL,
    finished_at timestamptz,
    error       text NOT NULL DEFAULT '',
    counts      jsonb NOT NULL DEFAULT '{}',
    CHECK ((kind = 'board') = (board_id IS NOT NULL)),
    CHECK ((kind = 'repo') = (repo_id IS NOT NULL)),
    CHECK ((status = 'running') = (finished_at IS NULL))
);
CREATE INDEX sync_runs_board ON sync_runs (board_id, started_at DESC);
CREATE INDEX sync_runs_repo ON sync_runs (repo_id, started_at DESC);

-- +goose Down
DROP TABLE sync_runs, sync_state, tags, pull_requests, board_repos, repos, board_issues,
    jira_flag_changes, jira_status_changes, jira_issue_keys, jira_issues, jira_issue_types,
    jira_statuses, board_config_snapshots, work_types, board_status_map, board_states, boards, teams;
