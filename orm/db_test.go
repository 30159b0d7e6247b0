package orm_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/eagerorm/eager/internal/pgtest"
	"github.com/eagerorm/eager/orm"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOpenOwnsPoolWithOptions(t *testing.T) {
	ctx := context.Background()
	tdb := pgtest.New(t)
	db, err := orm.Open(ctx, tdb.DSN+"&pool_max_conns=3", orm.WithMinConns(1), orm.WithMaxConnLifetime(time.Hour))
	require.NoError(t, err)
	cfg := db.Querier().(*pgxpool.Pool).Config()
	assert.Equal(t, int32(3), cfg.MaxConns, "pool_max_conns from the DSN")
	assert.Equal(t, int32(1), cfg.MinConns, "WithMinConns")
	assert.Equal(t, time.Hour, cfg.MaxConnLifetime)
	var one int
	require.NoError(t, db.QueryRow(ctx, "SELECT 1").Scan(&one))
	db.Close()
	_, err = db.Exec(ctx, "SELECT 1")
	assert.Error(t, err, "Close closes the pool Open created")

	db, err = orm.Open(ctx, tdb.DSN, orm.WithMaxConns(2))
	require.NoError(t, err)
	defer db.Close()
	// Three concurrent sleeps on a pool of two take two rounds.
	start := time.Now()
	errs := make(chan error, 3)
	for range 3 {
		go func() { _, err := db.Exec(ctx, "SELECT pg_sleep(0.2)"); errs <- err }()
	}
	for range 3 {
		require.NoError(t, <-errs)
	}
	assert.GreaterOrEqual(t, time.Since(start), 400*time.Millisecond, "WithMaxConns(2) limits the pool")
}

func TestOpenBadDSN(t *testing.T) {
	_, err := orm.Open(context.Background(), "postgres://nobody@127.0.0.1:1/x?connect_timeout=1")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "orm: open")
	_, err = orm.Open(context.Background(), "::not a dsn::")
	require.Error(t, err)
}

func TestNewLeavesCallersPoolOpen(t *testing.T) {
	ctx := context.Background()
	tdb := pgtest.New(t)
	db := orm.New(tdb.Pool)
	db.Close()
	var one int
	require.NoError(t, tdb.Pool.QueryRow(ctx, "SELECT 1").Scan(&one), "Close must not close a pool the caller owns")

	conn, err := pgx.Connect(ctx, tdb.DSN)
	require.NoError(t, err)
	defer conn.Close(ctx)
	cdb := orm.New(conn)
	require.NoError(t, cdb.QueryRow(ctx, "SELECT 1").Scan(&one))
	assert.False(t, cdb.InTx())

	tx, err := conn.Begin(ctx)
	require.NoError(t, err)
	tdbx := orm.New(tx)
	assert.True(t, tdbx.InTx())
	mustExec(t, tdbx, "CREATE TABLE inner_t (id int)")
	// RunInTx on a wrapped pgx.Tx is a savepoint inside the caller's transaction.
	err = tdbx.RunInTx(ctx, func(ctx context.Context, tx *orm.DB) error {
		mustExec(t, tx, "INSERT INTO inner_t VALUES (1)")
		return errors.New("undo")
	})
	require.EqualError(t, err, "undo")
	var n int
	require.NoError(t, tdbx.QueryRow(ctx, "SELECT count(*) FROM inner_t").Scan(&n))
	assert.Equal(t, 0, n)
	require.NoError(t, tx.Rollback(ctx))
}

func TestCancelStopsStatement(t *testing.T) {
	db, _ := newDB(t)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := db.Exec(ctx, "SELECT pg_sleep(10)")
	require.Error(t, err)
	assert.Less(t, time.Since(start), 5*time.Second)
	assert.True(t, errors.Is(err, context.DeadlineExceeded) || pgconnTimeout(err), "got %v", err)
}

func pgconnTimeout(err error) bool {
	return strings.Contains(err.Error(), "canceling statement") || strings.Contains(err.Error(), "timeout")
}

func countRows(t *testing.T, db *orm.DB, table string) int {
	t.Helper()
	var n int
	require.NoError(t, db.QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n))
	return n
}

func TestRunInTx(t *testing.T) {
	ctx := context.Background()
	db, rec := newDB(t)
	mustExec(t, db, "CREATE TABLE t (id int PRIMARY KEY)")

	t.Run("commit on nil", func(t *testing.T) {
		rec.reset()
		require.NoError(t, db.RunInTx(ctx, func(ctx context.Context, tx *orm.DB) error {
			assert.True(t, tx.InTx())
			_, err := tx.Exec(ctx, "INSERT INTO t VALUES (1)")
			return err
		}))
		assert.Equal(t, 1, countRows(t, db, "t"))
		assert.Equal(t, []string{"BEGIN", "INSERT INTO t VALUES (1)", "COMMIT", "SELECT count(*) FROM t"}, rec.sqls())
	})

	t.Run("rollback on error", func(t *testing.T) {
		boom := errors.New("boom")
		err := db.RunInTx(ctx, func(ctx context.Context, tx *orm.DB) error {
			mustExec(t, tx, "INSERT INTO t VALUES (2)")
			return boom
		})
		assert.ErrorIs(t, err, boom)
		assert.Equal(t, 1, countRows(t, db, "t"))
	})

	t.Run("rollback on panic, re-raised", func(t *testing.T) {
		func() {
			defer func() {
				assert.Equal(t, "kaboom", recover())
			}()
			_ = db.RunInTx(ctx, func(ctx context.Context, tx *orm.DB) error {
				mustExec(t, tx, "INSERT INTO t VALUES (3)")
				panic("kaboom")
			})
			t.Error("panic was swallowed")
		}()
		assert.Equal(t, 1, countRows(t, db, "t"))
	})

	t.Run("nested rolls back only the savepoint", func(t *testing.T) {
		rec.reset()
		err := db.RunInTx(ctx, func(ctx context.Context, tx *orm.DB) error {
			mustExec(t, tx, "INSERT INTO t VALUES (10)")
			inner := tx.RunInTx(ctx, func(ctx context.Context, tx2 *orm.DB) error {
				mustExec(t, tx2, "INSERT INTO t VALUES (11)")
				return errors.New("inner fails")
			})
			assert.EqualError(t, inner, "inner fails")
			// The transaction is still usable after the savepoint rollback.
			return tx.RunInTx(ctx, func(ctx context.Context, tx2 *orm.DB) error {
				mustExec(t, tx2, "INSERT INTO t VALUES (12)")
				return nil
			})
		})
		require.NoError(t, err)
		var ids []int
		rows, err := db.Query(ctx, "SELECT id FROM t ORDER BY id")
		require.NoError(t, err)
		ids, err = pgx.CollectRows(rows, pgx.RowTo[int])
		require.NoError(t, err)
		assert.Equal(t, []int{1, 10, 12}, ids)
		assert.Equal(t, []string{"BEGIN", "INSERT INTO t VALUES (10)", "SAVEPOINT", "INSERT INTO t VALUES (11)",
			"ROLLBACK TO SAVEPOINT", "SAVEPOINT", "INSERT INTO t VALUES (12)", "RELEASE SAVEPOINT", "COMMIT",
			"SELECT id FROM t ORDER BY id"}, rec.sqls())
	})

	t.Run("panic in nested rolls back everything", func(t *testing.T) {
		func() {
			defer func() { recover() }()
			_ = db.RunInTx(ctx, func(ctx context.Context, tx *orm.DB) error {
				mustExec(t, tx, "INSERT INTO t VALUES (20)")
				return tx.RunInTx(ctx, func(ctx context.Context, tx2 *orm.DB) error {
					mustExec(t, tx2, "INSERT INTO t VALUES (21)")
					panic("deep")
				})
			})
		}()
		assert.Equal(t, 3, countRows(t, db, "t"))
	})

	t.Run("isolation and read only", func(t *testing.T) {
		rec.reset()
		err := db.RunInTx(ctx, func(ctx context.Context, tx *orm.DB) error {
			var level, ro string
			require.NoError(t, tx.QueryRow(ctx, "SHOW transaction_isolation").Scan(&level))
			require.NoError(t, tx.QueryRow(ctx, "SHOW transaction_read_only").Scan(&ro))
			assert.Equal(t, "serializable", level)
			assert.Equal(t, "on", ro)
			_, err := tx.Exec(ctx, "INSERT INTO t VALUES (30)")
			return err
		}, orm.WithIsolation(pgx.Serializable), orm.ReadOnly())
		require.Error(t, err)
		assert.Contains(t, err.Error(), "read-only transaction")
		assert.Equal(t, "BEGIN ISOLATION LEVEL SERIALIZABLE READ ONLY", rec.sqls()[0])
	})

	t.Run("options on a nested call are an error", func(t *testing.T) {
		err := db.RunInTx(ctx, func(ctx context.Context, tx *orm.DB) error {
			return tx.RunInTx(ctx, func(context.Context, *orm.DB) error { return nil }, orm.ReadOnly())
		})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "nested")
	})

	t.Run("cancelled ctx still rolls back", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		err := db.RunInTx(cctx, func(ctx context.Context, tx *orm.DB) error {
			mustExec(t, tx, "INSERT INTO t VALUES (40)")
			cancel()
			return ctx.Err()
		})
		assert.ErrorIs(t, err, context.Canceled)
		assert.Equal(t, 3, countRows(t, db, "t"))
	})

	t.Run("nil fn", func(t *testing.T) {
		assert.Error(t, db.RunInTx(ctx, nil))
	})
}
