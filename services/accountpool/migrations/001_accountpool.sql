-- +goose Up

-- One row per lease. A lease ends once: end_reason becomes 'released'
-- (Release) or 'expired' (the sweeper, or Release after expires_at), and
-- released_at records when. Times are Unix milliseconds.
CREATE TABLE accountpool_leases (
    id          TEXT PRIMARY KEY,
    holder      TEXT NOT NULL,
    purpose     TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    released_at BIGINT,
    end_reason  TEXT NOT NULL DEFAULT ''
);

CREATE INDEX accountpool_leases_open ON accountpool_leases (released_at, expires_at);

-- One row per derived account, keyed by its index i in the path
-- m/44'/888'/0'/0'/i'. Only public data is stored: the private key is
-- derived again from the seed whenever it signs. lease_id is the lease
-- that holds the account now, NULL while it is free, so no account can be
-- in two leases at once. gas (datoshi) and neo are the balances read at
-- block count balance_height (0: never read).
CREATE TABLE accountpool_accounts (
    idx            BIGINT PRIMARY KEY,
    address        TEXT NOT NULL UNIQUE,
    script_hash    TEXT NOT NULL UNIQUE,
    public_key     TEXT NOT NULL,
    lease_id       TEXT REFERENCES accountpool_leases (id),
    gas            BIGINT NOT NULL DEFAULT 0,
    neo            BIGINT NOT NULL DEFAULT 0,
    balance_height BIGINT NOT NULL DEFAULT 0,
    created_at     BIGINT NOT NULL
);

CREATE INDEX accountpool_accounts_lease ON accountpool_accounts (lease_id);

-- Which accounts each lease was given, kept after the lease ends.
CREATE TABLE accountpool_lease_accounts (
    lease_id    TEXT NOT NULL REFERENCES accountpool_leases (id),
    account_idx BIGINT NOT NULL REFERENCES accountpool_accounts (idx),
    PRIMARY KEY (lease_id, account_idx)
);

-- GAS held back for transactions the pool signed that are not yet in a
-- block: their system and network fees (fee) plus the GAS they transfer
-- (amount), both in datoshi. A row is deleted once its transaction is
-- included or its valid-until block has passed.
CREATE TABLE accountpool_reservations (
    tx_hash     TEXT PRIMARY KEY,
    account_idx BIGINT NOT NULL REFERENCES accountpool_accounts (idx),
    lease_id    TEXT NOT NULL REFERENCES accountpool_leases (id),
    fee         BIGINT NOT NULL,
    amount      BIGINT NOT NULL,
    valid_until BIGINT NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE INDEX accountpool_reservations_account ON accountpool_reservations (account_idx);

-- One row per Transfer idempotency key (send_key is the chain sender key),
-- so a retry is matched to the first request and an expired transaction
-- can be rebuilt after a restart. amount is in the asset's smallest unit.
CREATE TABLE accountpool_transfers (
    send_key    TEXT PRIMARY KEY,
    holder      TEXT NOT NULL,
    lease_id    TEXT NOT NULL REFERENCES accountpool_leases (id),
    account_idx BIGINT NOT NULL REFERENCES accountpool_accounts (idx),
    asset       TEXT NOT NULL,
    recipient   TEXT NOT NULL,
    amount      BIGINT NOT NULL,
    created_at  BIGINT NOT NULL
);

-- One row per top-up from the treasury. seq counts the top-ups of one
-- account, and the chain sender key is derived from (account_idx, seq), so
-- a decision recorded here is sent at most once across restarts.
-- state: pending, done or abandoned. block_index is set when done.
CREATE TABLE accountpool_topups (
    account_idx BIGINT NOT NULL REFERENCES accountpool_accounts (idx),
    seq         BIGINT NOT NULL,
    amount      BIGINT NOT NULL,
    state       TEXT NOT NULL,
    block_index BIGINT,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (account_idx, seq)
);

CREATE INDEX accountpool_topups_state ON accountpool_topups (state);

-- +goose Down
DROP TABLE accountpool_topups;
DROP TABLE accountpool_transfers;
DROP TABLE accountpool_reservations;
DROP TABLE accountpool_lease_accounts;
DROP TABLE accountpool_accounts;
DROP TABLE accountpool_leases;
