-- +goose Up
CREATE TABLE vrf_requests (
    id          BIGINT PRIMARY KEY,
    requester   TEXT    NOT NULL,
    payload     TEXT    NOT NULL,
    block_index BIGINT  NOT NULL,
    block_hash  TEXT    NOT NULL,
    tx_hash     TEXT    NOT NULL,
    state       TEXT    NOT NULL,
    code        INTEGER,
    fulfil_tx   TEXT,
    error       TEXT,
    claimed_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX vrf_requests_state ON vrf_requests (state, id);

-- +goose Down
DROP TABLE vrf_requests;
