-- +goose Up

-- One row per Listener cursor: the next block it will process.
CREATE TABLE chain_cursors (
    name        TEXT PRIMARY KEY,
    next_height BIGINT NOT NULL,
    last_hash   TEXT NOT NULL DEFAULT '',
    updated_at  BIGINT NOT NULL
);

-- One row per transaction a Sender relayed. Several attempts share a
-- send_key when earlier ones expired; the highest attempt is the current one.
-- state: sent, included, expired or abandoned.
CREATE TABLE chain_txs (
    send_key     TEXT NOT NULL,
    attempt      INTEGER NOT NULL,
    tx_hash      TEXT NOT NULL UNIQUE,
    valid_until  BIGINT NOT NULL,
    raw          BYTEA NOT NULL,
    state        TEXT NOT NULL,
    vm_state     TEXT NOT NULL DEFAULT '',
    exception    TEXT NOT NULL DEFAULT '',
    block_index  BIGINT,
    gas_consumed BIGINT,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (send_key, attempt)
);

CREATE INDEX chain_txs_state ON chain_txs (state);

-- +goose Down
DROP TABLE chain_txs;
DROP TABLE chain_cursors;
