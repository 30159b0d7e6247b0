package orm_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/eagerorm/eager/internal/pgtest"
	"github.com/eagerorm/eager/orm"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sleepSQL is a 30-second statement carrying a marker, so the test can look
// for it among the server's running statements.
func sleepSQL(t *testing.T) (sql, marker string) {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	marker = "eager_timeout_" + hex.EncodeToString(b)
	return "SELECT pg_sleep(30) /* " + marker + " */", marker
}

// assertStopped checks that the statement stopped with an error saying it
// timed out, and that the server is no longer running it.
func assertStopped(t *testing.T, tdb *pgtest.DB, err error, marker string, took time.Duration) {
	t.Helper()
	require.Error(t, err)
	assert.Less(t, took, 10*time.Second, "stopped well before pg_sleep(30) ends")
	var te *orm.TimeoutError
	require.ErrorAs(t, err, &te, "got %v", err)
	assert.ErrorIs(t, err, orm.ErrStatementTimeout)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Contains(t, err.Error(), "timed out after")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		var running int
		require.NoError(t, tdb.Pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE state = 'active' AND query LIKE '%'||$1||'%' AND pid <> pg_backend_pid()`, marker).Scan(&running))
		if running == 0 {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the server still runs the statement %s", marker)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// The statement timeout stops a statement on the server, with an error that
// says so, whatever the DB sends through: a pool Open creates, a pool,
// connection or transaction given to New, a transaction RunInTx begins, the
// simple protocol a transaction pooler needs; for Exec, Query, QueryRow and
// a batch.
func TestStatementTimeout(t *testing.T) {
	tdb := pgtest.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	const d = 150 * time.Millisecond
	opened, err := orm.Open(ctx, tdb.DSN, orm.WithStatementTimeout(d))
	require.NoError(t, err)
	defer opened.Close()
	simpleDSN, err := url.Parse(tdb.DSN)
	require.NoError(t, err)
	q := simpleDSN.Query()
	q.Set("default_query_exec_mode", "simple_protocol") // what pgx recommends behind a transaction pooler
	simpleDSN.RawQuery = q.Encode()
	simple, err := orm.Open(ctx, simpleDSN.String(), orm.WithStatementTimeout(d))
	require.NoError(t, err)
	defer simple.Close()
	userPool, err := pgxpool.New(ctx, tdb.DSN)
	require.NoError(t, err)
	defer userPool.Close()
	conn, err := pgx.Connect(ctx, tdb.DSN)
	require.NoError(t, err)
	defer conn.Close(ctx)

	run := func(name string, db *orm.DB, send func(db *orm.DB, sql string) error) {
		t.Run(name, func(t *testing.T) {
			sql, marker := sleepSQL(t)
			start := time.Now()
			err := send(db, sql)
			assertStopped(t, tdb, err, marker, time.Since(start))
		})
	}
	exec := func(db *orm.DB, sql string) error { _, err := db.Exec(ctx, sql); return err }
	queryRow := func(db *orm.DB, sql string) error { var s string; return db.QueryRow(ctx, sql).Scan(&s) }
	query := func(db *orm.DB, sql string) error {
		rows, err := db.Query(ctx, sql)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
		}
		return rows.Err()
	}
	run("Open, Exec", opened, exec)
	run("Open, Query", opened, query)
	run("Open, QueryRow", opened, queryRow)
	run("Open, batch", opened, func(db *orm.DB, sql string) error {
		return db.RunBatch(ctx, []orm.BatchQuery{{SQL: "SELECT 1"}, {SQL: sql}})
	})
	run("Open, simple protocol", simple, queryRow)
	run("New(pool)", orm.New(userPool, orm.WithStatementTimeout(d)), queryRow)
	run("New(conn)", orm.New(conn, orm.WithStatementTimeout(d)), exec)
	run("RunInTx", opened, func(db *orm.DB, sql string) error {
		return db.RunInTx(ctx, func(ctx context.Context, tx *orm.DB) error { return exec(tx, sql) })
	})
	run("New(tx)", nil, func(_ *orm.DB, sql string) error {
		tx, err := userPool.Begin(ctx)
		require.NoError(t, err)
		defer func() { _ = tx.Rollback(ctx) }()
		return exec(orm.New(tx, orm.WithStatementTimeout(d)), sql)
	})
	run("a DB copy", orm.New(userPool).WithStatementTimeout(d), exec)

	t.Run("the pool stays usable", func(t *testing.T) {
		var one int // (under the 150ms bound, a new connection's dial might not fit on a loaded machine)
		require.NoError(t, opened.WithStatementTimeout(10*time.Second).QueryRow(ctx, "SELECT 1").Scan(&one))
		assert.Equal(t, 1, one)
	})
	t.Run("the caller's own deadline is not a statement timeout", func(t *testing.T) {
		short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		_, err := orm.New(userPool, orm.WithStatementTimeout(time.Minute)).Exec(short, "SELECT pg_sleep(30)")
		require.Error(t, err)
		assert.NotErrorIs(t, err, orm.ErrStatementTimeout)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
	})
	t.Run("no timeout, or a longer one, lets a statement finish", func(t *testing.T) {
		for _, db := range []*orm.DB{orm.New(userPool), opened.WithStatementTimeout(5 * time.Second), opened.WithStatementTimeout(0)} {
			_, err := db.Exec(ctx, "SELECT pg_sleep(0.3)")
			require.NoError(t, err)
		}
		assert.Equal(t, d, opened.StatementTimeout())
	})
}

// The lock timeout is set in the transactions the DB begins, in the same
// round trip as BEGIN; a statement waiting longer for a lock fails with an
// error that says so.
func TestLockTimeout(t *testing.T) {
	tdb := pgtest.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := tdb.Pool.Exec(ctx, `CREATE TABLE counter (id bigint PRIMARY KEY, n bigint NOT NULL); INSERT INTO counter VALUES (1, 0)`)
	require.NoError(t, err)
	holder, err := tdb.Pool.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = holder.Rollback(ctx) }()
	_, err = holder.Exec(ctx, `UPDATE counter SET n = n + 1 WHERE id = 1`)
	require.NoError(t, err)

	rec := &recorder{}
	db, err := orm.Open(ctx, tdb.DSN, orm.WithLockTimeout(200*time.Millisecond), orm.WithHook(rec))
	require.NoError(t, err)
	defer db.Close()
	start := time.Now()
	err = db.RunInTx(ctx, func(ctx context.Context, tx *orm.DB) error {
		_, err := tx.Exec(ctx, `UPDATE counter SET n = n + 10 WHERE id = 1`)
		return err
	})
	require.Error(t, err)
	assert.Less(t, time.Since(start), 10*time.Second)
	assert.ErrorIs(t, err, orm.ErrLockTimeout)
	var pg *pgconn.PgError
	require.ErrorAs(t, err, &pg)
	assert.Equal(t, "55P03", pg.Code)
	assert.Contains(t, err.Error(), "lock timeout 200ms")
	assert.Equal(t, "BEGIN; SET LOCAL lock_timeout = 200", rec.sqls()[0], "one round trip")

	require.NoError(t, holder.Rollback(ctx))
	require.NoError(t, db.RunInTx(ctx, func(ctx context.Context, tx *orm.DB) error {
		var lt string
		if err := tx.QueryRow(ctx, "SHOW lock_timeout").Scan(&lt); err != nil {
			return err
		}
		assert.Equal(t, "200ms", lt)
		_, err := tx.Exec(ctx, `UPDATE counter SET n = n + 10 WHERE id = 1`)
		return err
	}, orm.WithIsolation(pgx.Serializable)))
	var lt string
	require.NoError(t, db.QueryRow(ctx, "SHOW lock_timeout").Scan(&lt))
	assert.Equal(t, "0", lt, "SET LOCAL leaves the pooled session as it was")
	assert.True(t, strings.HasPrefix(rec.sqls()[len(rec.sqls())-1], "SHOW"))
	require.Equal(t, time.Duration(0), orm.New(tdb.Pool).LockTimeout())
}
