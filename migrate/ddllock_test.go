package migrate_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eagerorm/eager/internal/pgtest"
	"github.com/eagerorm/eager/migrate"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"
)

var addPrice = migrate.AddColumn{Table: "item", Column: migrate.Column{Name: "price", Type: "integer", Null: true}}

// readerInTx opens a transaction that has read item, as a request in
// flight or a forgotten psql session does: it holds ACCESS SHARE on the
// table until it ends, and ALTER TABLE needs ACCESS EXCLUSIVE.
func readerInTx(t *testing.T, pg *pgtest.DB) pgx.Tx {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, pg.DSN)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close(context.Background()) })
	tx, err := conn.Begin(ctx)
	require.NoError(t, err)
	_, err = tx.Exec(ctx, "SELECT count(*) FROM item")
	require.NoError(t, err)
	return tx
}

func withItem(t *testing.T) *pgtest.DB {
	t.Helper()
	pg := pgtest.New(t)
	_, err := (&migrate.Runner{DB: openDB(t, pg.DSN), Set: newSet(t, createItem)}).Migrate(context.Background(), "")
	require.NoError(t, err)
	return pg
}

// TestDDLLockTimeoutGivesUp: while another transaction holds a lock on the
// table, the migration waits DDLLockTimeout per attempt, retries
// DDLRetries times, then fails (recorded as failed, rolled back, saying
// why) instead of waiting forever with every reader of the table queued
// behind it. The context deadline only turns a hang into a failure.
func TestDDLLockTimeoutGivesUp(t *testing.T) {
	t.Parallel()
	pg := withItem(t)
	readerInTx(t, pg)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	var log syncBuffer
	set := newSet(t, createItem, migrate.Migration{Name: "0002_price", Operations: []migrate.Operation{addPrice}})
	r := &migrate.Runner{DB: openDB(t, pg.DSN), Set: set, Log: &log,
		DDLLockTimeout: 50 * time.Millisecond, DDLRetries: 2, DDLRetryWait: 10 * time.Millisecond}
	applied, err := r.Migrate(ctx, "")
	require.NoError(t, ctx.Err(), "the runner gave up by itself")
	require.Empty(t, applied)
	var me *migrate.MigrationError
	require.ErrorAs(t, err, &me)
	require.Equal(t, 3, me.Attempts, "the first attempt and two retries")
	var pgErr *pgconn.PgError
	require.ErrorAs(t, err, &pgErr)
	require.Equal(t, "55P03", pgErr.Code, "lock_not_available")
	require.Contains(t, err.Error(), "0002_price failed (rolled back, the schema is unchanged) at statement 1: ALTER TABLE item ADD COLUMN price integer")
	require.Contains(t, err.Error(), "(tried 3 times): another session holds a lock")
	require.Contains(t, log.String(), "Applying 0002_price... lock_timeout (50ms), retry 1 of 2 in ")
	require.Contains(t, log.String(), "retry 2 of 2 in ")
	status, _, errText := historyRow(t, pg, "0002_price")
	require.Equal(t, "failed", status)
	require.Contains(t, errText, "lock timeout")
	requireCatalog(t, pg, itemSchema)

	// The same from the command line, with the flags; no retries.
	code, _, stderr := cli(t, []string{"migrate", "-dsn", pg.DSN, "-ddl-lock-timeout", "20ms", "-ddl-retries", "-1"}, migrate.Migrations(set.Migrations()...))
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "canceling statement due to lock timeout")
	require.NotContains(t, stderr, "tried")
}

// releaseOnRetry is a runner log that ends the blocking transaction when
// the runner announces its first retry: the retry then finds the table
// free. No sleeping: the release happens before the runner's pause.
type releaseOnRetry struct {
	syncBuffer
	once    sync.Once
	blocker pgx.Tx
	err     error
}

func (l *releaseOnRetry) Write(p []byte) (int, error) {
	if strings.Contains(string(p), "retry 1 of") {
		l.once.Do(func() { l.err = l.blocker.Rollback(context.Background()) })
	}
	return l.syncBuffer.Write(p)
}

// TestDDLLockTimeoutRetries: a migration that timed out waiting for a lock
// is tried again and succeeds once the lock is free; in a transaction the
// whole migration is retried, outside one the statement that timed out
// (and a concurrent index after it then builds).
func TestDDLLockTimeoutRetries(t *testing.T) {
	for _, tc := range []struct {
		name string
		ops  []migrate.Operation
		want []string
	}{
		{"in a transaction", []migrate.Operation{addPrice, migrate.RunSQL{Forward: "UPDATE item SET price = 7", Backward: migrate.Noop}},
			append(itemSchema, "column item.price integer")},
		{"outside a transaction", []migrate.Operation{addPrice, migrate.AddIndex{Table: "item", Name: "item_name_idx", Columns: []string{"name"}, Concurrently: true}},
			append(itemSchema, "column item.price integer", "index item.item_name_idx CREATE INDEX item_name_idx ON item USING btree (name)")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			pg := withItem(t)
			log := &releaseOnRetry{blocker: readerInTx(t, pg)}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			set := newSet(t, createItem, migrate.Migration{Name: "0002_price", Operations: tc.ops})
			r := &migrate.Runner{DB: openDB(t, pg.DSN), Set: set, Log: log,
				DDLLockTimeout: 50 * time.Millisecond, DDLRetries: 3, DDLRetryWait: 10 * time.Millisecond}
			applied, err := r.Migrate(ctx, "")
			require.NoError(t, err)
			require.NoError(t, log.err)
			require.Equal(t, []string{"0002_price"}, applied)
			require.Equal(t, 1, strings.Count(log.String(), "retry "), log.String())
			require.Contains(t, log.String(), "Applying 0002_price... lock_timeout (50ms), retry 1 of 3 in ")
			require.Contains(t, log.String(), "... OK (")
			requireHistory(t, pg, map[string]string{"0001_item": "applied", "0002_price": "applied"})
			requireCatalog(t, pg, tc.want)
		})
	}
}
