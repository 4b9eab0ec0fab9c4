-- +goose Up

-- secrets_counters keeps the highest version ever created for a name. It
-- survives deletion of the whole secret, so version numbers are never
-- reused.
CREATE TABLE secrets_counters (
    owner        TEXT   NOT NULL,
    name         TEXT   NOT NULL,
    last_version BIGINT NOT NULL,
    PRIMARY KEY (owner, name)
);

-- secrets lists the secrets that exist: a row from the first Put until
-- the owner deletes the whole secret.
CREATE TABLE secrets (
    owner      TEXT   NOT NULL,
    name       TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (owner, name)
);

-- secrets_versions holds the sealed value of every live version. A
-- deleted version's row is overwritten and removed.
CREATE TABLE secrets_versions (
    owner       TEXT   NOT NULL,
    name        TEXT   NOT NULL,
    version     BIGINT NOT NULL,
    key_id      TEXT   NOT NULL,
    wrapped_key BYTEA  NOT NULL,
    ciphertext  BYTEA  NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (owner, name, version),
    FOREIGN KEY (owner, name) REFERENCES secrets (owner, name)
);

-- secrets_acl holds allow and deny rules. A subject may carry both; deny
-- wins.
CREATE TABLE secrets_acl (
    owner      TEXT   NOT NULL,
    name       TEXT   NOT NULL,
    kind       TEXT   NOT NULL CHECK (kind IN ('service', 'contract')),
    subject    TEXT   NOT NULL,
    effect     TEXT   NOT NULL CHECK (effect IN ('allow', 'deny')),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (owner, name, kind, subject, effect),
    FOREIGN KEY (owner, name) REFERENCES secrets (owner, name)
);

-- secrets_audit is append-only. Each entry stores the SHA-256 hash of the
-- previous entry; seq has no gaps.
CREATE TABLE secrets_audit (
    seq       BIGINT PRIMARY KEY,
    at        BIGINT NOT NULL,
    action    TEXT   NOT NULL,
    caller    TEXT   NOT NULL,
    owner     TEXT   NOT NULL,
    contract  TEXT   NOT NULL,
    name      TEXT   NOT NULL,
    version   BIGINT NOT NULL,
    outcome   TEXT   NOT NULL,
    detail    TEXT   NOT NULL,
    prev_hash BYTEA  NOT NULL
);

-- secrets_audit_head is one row: the sequence number and hash of the last
-- audit entry, with a MAC under a key derived from the master key, so the
-- removal or change of the last entries is detected too.
CREATE TABLE secrets_audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash BYTEA  NOT NULL,
    mac  BYTEA  NOT NULL
);

-- +goose Down
DROP TABLE secrets_audit_head;
DROP TABLE secrets_audit;
DROP TABLE secrets_acl;
DROP TABLE secrets_versions;
DROP TABLE secrets;
DROP TABLE secrets_counters;
