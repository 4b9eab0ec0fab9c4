-- +goose Up
-- mac authenticates each access rule with a key derived from the master
-- key, so a rule written into the database by anyone without that key is
-- ignored. Rules from before this column have none and must be granted
-- again.
ALTER TABLE secrets_acl ADD COLUMN mac BYTEA;

-- +goose Down
ALTER TABLE secrets_acl DROP COLUMN mac;
