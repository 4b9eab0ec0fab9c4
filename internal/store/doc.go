// Package store opens a service's database, applies its migrations and runs
// its write transactions.
//
// SQLite (modernc.org/sqlite, pure Go) is the only driver today; PostgreSQL
// will follow behind the same API, so the driver never leaks past this
// package. To keep product SQL portable between the two:
//
//   - Placeholders are written PostgreSQL style, $1, $2, ... SQLite binds
//     $N to the N-th argument, so the same text runs on both.
//   - Use standard forms both engines accept: INSERT ... ON CONFLICT DO
//     NOTHING, RETURNING, BIGINT, TEXT. Store times as BIGINT Unix
//     milliseconds and bytes in BYTEA columns. SQLite gives an unknown type
//     name such as BYTEA numeric affinity, which stores a []byte value
//     unchanged as a BLOB.
//
// Each component (a service, or shared machinery such as the chain
// listener) keeps its own migration history in its own goose version table,
// goose_<component>, so components sharing one database never collide.
//
// SQLite allows one writer at a time. DB serialises its own write
// transactions in process and relies on the busy timeout for writers in
// other processes. The package does not cache, retry failed transactions or
// build queries.
package store
