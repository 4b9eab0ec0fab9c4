// Package store opens a service's database, applies its migrations and runs
// its write transactions, on SQLite or PostgreSQL behind one API. Callers
// get a *sql.DB for reads and a *sql.Tx inside InTx. No driver type or
// error leaks past this package.
//
// SQLite (modernc.org/sqlite, pure Go) keeps one file per service, for dev
// and single-process use. PostgreSQL (pgx through database/sql) keeps one
// schema per service in a shared database: Open creates the schema if
// missing and sets it as the only search_path entry of every connection,
// so services sharing a database never see each other's tables.
//
// To keep product SQL portable between the two:
//
//   - Placeholders are written PostgreSQL style, $1, $2, ... SQLite binds
//     $N to the N-th argument, so the same text runs on both.
//   - Use standard forms both engines accept: INSERT ... ON CONFLICT DO
//     NOTHING, RETURNING, BIGINT, TEXT. Store times as BIGINT Unix
//     milliseconds and bytes in BYTEA columns. SQLite gives an unknown type
//     name such as BYTEA numeric affinity, which stores a []byte value
//     unchanged as a BLOB.
//   - On PostgreSQL a failed statement aborts its transaction, so InTx
//     callers must return the error instead of carrying on after it.
//   - ORDER BY on TEXT follows the database collation on PostgreSQL and
//     byte order on SQLite. They agree under the C or C.UTF-8 collation.
//
// Each component (a service, or shared machinery such as the chain
// listener) keeps its own migration history in its own goose version table,
// goose_<component>, so components sharing one database or schema never
// collide.
//
// Write transactions on one database take turns, on both drivers (see
// InTx). The package does not cache, retry failed transactions or build
// queries.
package store
