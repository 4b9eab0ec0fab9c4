-- +goose Up
CREATE TABLE responder_requests (
    id          BIGINT  PRIMARY KEY,
    service     TEXT    NOT NULL,
    requester   TEXT    NOT NULL,
    payload     BYTEA   NOT NULL,
    block_index BIGINT  NOT NULL,
    block_hash  TEXT    NOT NULL,
    tx_hash     TEXT    NOT NULL,
    state       TEXT    NOT NULL,
    code        INTEGER,
    result      BYTEA,
    signature   BYTEA,
    fulfil_tx   TEXT,
    error       TEXT,
    attempts    INTEGER NOT NULL DEFAULT 0,
    retry_at    TIMESTAMP,
    claimed_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX responder_requests_state ON responder_requests (state, retry_at, id);

-- +goose Down
DROP TABLE responder_requests;
