// Package migrate evolves a PostgreSQL schema with the models: it generates
// migrations from model metadata (makemigrations), shows their SQL for review
// (sqlmigrate) and applies them safely when several deployers start at once
// (migrate), with a history table that notices an applied migration being
// edited.
//
// A program's migrations live in a package of their own, usually a main
// package in ./migrations whose whole main is:
//
//	func main() { migrate.Main(migrate.Models(models.Customer{}, models.Order{})) }
//
// and which is run as
//
//	go run ./migrations makemigrations      # write 0001_initial.go, 0002_..., from the models
//	go run ./migrations sqlmigrate 0002     # the SQL, forward and backward
//	go run ./migrations migrate             # apply what is pending
//	go run ./migrations status
//	go run ./migrations rollback 0001       # back to the state after 0001
//
// Each migration is a Go file of typed operations (CreateTable, AddColumn,
// AddIndex{Concurrently: true}, RunSQL, ...) that registers itself from init.
// makemigrations replays the registered migrations into a State, with no
// database, compares it with FromModels, and writes the difference (Diff) as
// the next numbered file. It lints what it writes: dropping a table or a
// column, a NOT NULL column without a default on an existing table, an index
// built under a lock on an existing table, a narrowing type change. A
// finding names the operation and the reason; a migration accepts it with an
// explicit Allow list, and makemigrations --check (for CI) fails on any
// other, and on model changes no migration has.
//
// The runner (Runner, or the migrate command) applies each migration in one
// transaction, or, when it holds something PostgreSQL cannot run in one (an
// index built concurrently, an enum value added then used), outside one,
// one statement per Exec, with lock_timeout bounding each statement's wait
// for a table lock and a bounded retry with backoff after a timeout
// (Runner.DDLLockTimeout, DDLRetries). RunSQL may not hold transaction
// control (BEGIN, COMMIT, ...). It records name, checksum, status, time and
// duration in eager_migrations. Concurrent runners exclude each other with an
// advisory lock taken by polling pg_try_advisory_lock, never the blocking
// pg_advisory_lock, whose waiters stall CREATE INDEX CONCURRENTLY; the lock
// and the history table belong to the current schema. The lock records the
// server process that holds it and is checked before each migration, so a
// transaction pooler (which shares server sessions between clients) is
// refused loudly: migrate over a direct connection. A standby is refused.
//
// The user guide, with a full session, is docs/migrations.md.
package migrate
