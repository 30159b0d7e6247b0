package migrate_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eagerorm/eager/internal/pgtest"
	"github.com/eagerorm/eager/migrate"
	"github.com/eagerorm/eager/orm"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"
)

// txPooler stands for a transaction pooler (PgBouncer in transaction
// mode) without one: pgxpool hands each statement outside a transaction to
// whichever of its server sessions is free, and a transaction one session
// until it ends, which is what such a pooler does with its clients. The
// wrapper hides the *pgxpool.Pool (for which the runner opens a lock
// connection of its own), so the runner sees what it would see through
// PgBouncer: one connection, behind which server sessions come and go.
type txPooler struct{ *pgxpool.Pool }

func newPooler(t *testing.T, pg *pgtest.DB, sessions int32) (*pgxpool.Pool, string) {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(pg.DSN)
	require.NoError(t, err)
	var b [4]byte
	_, _ = rand.Read(b[:])
	app := "pooler-" + hex.EncodeToString(b[:])
	cfg.MaxConns = sessions
	cfg.ConnConfig.RuntimeParams["application_name"] = app
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	return pool, app
}

// pauseLog stops the runner that writes to it the first time it writes
// the given text: the runner then holds the migration lock, and no server
// session, until the test lets it go on.
type pauseLog struct {
	syncBuffer
	at             string
	once           sync.Once
	paused, resume chan struct{}
}

func newPauseLog(at string) *pauseLog {
	return &pauseLog{at: at, paused: make(chan struct{}), resume: make(chan struct{})}
}

func (l *pauseLog) Write(p []byte) (int, error) {
	if strings.Contains(string(p), l.at) {
		l.once.Do(func() {
			close(l.paused)
			<-l.resume
		})
	}
	return l.syncBuffer.Write(p)
}

func (l *pauseLog) waitPaused(t *testing.T) {
	t.Helper()
	select {
	case <-l.paused:
	case <-time.After(30 * time.Second):
		t.Fatal("the runner never reached " + l.at)
	}
}

var pricedSet = []migrate.Migration{createItem, {Name: "0002_price", Operations: []migrate.Operation{addPrice}}}

// TestLockThroughPoolerSharedSession: two runners behind a pooler with one
// server session. Runner A holds the migration lock in that session and is
// between migrations; runner B's attempt lands in the same session, where
// pg_try_advisory_lock succeeds again (the locks stack). B must refuse,
// loudly, instead of applying migrations at the same time as A.
func TestLockThroughPoolerSharedSession(t *testing.T) {
	t.Parallel()
	pg := pgtest.New(t)
	pool, _ := newPooler(t, pg, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	set := newSet(t, pricedSet...)

	logA := newPauseLog("Applying 0002_price")
	a := &migrate.Runner{DB: orm.New(txPooler{pool}), Set: set, Log: logA}
	resA := make(chan runResult, 1)
	go func() { names, err := a.Migrate(ctx, ""); resA <- runResult{names, err} }()
	logA.waitPaused(t)

	b := &migrate.Runner{DB: orm.New(txPooler{pool}), Set: set}
	applied, err := b.Migrate(ctx, "")
	require.ErrorIs(t, err, migrate.ErrSharedSession)
	require.Contains(t, err.Error(), "already held by server process")
	require.Contains(t, err.Error(), "migrate over a direct connection")
	require.Empty(t, applied)

	close(logA.resume)
	ra := <-resA
	require.NoError(t, ra.err)
	require.Equal(t, []string{"0001_item", "0002_price"}, ra.applied)
	requireHistory(t, pg, map[string]string{"0001_item": "applied", "0002_price": "applied"})
}

// TestLockThroughPoolerSessionChanged: behind a pooler with several server
// sessions, the session that took the lock is busy with another client
// when the runner moves to its next migration; the runner's statements
// reach another session, where the lock means nothing. The runner stops
// before that migration, and at release says the lock stays behind.
func TestLockThroughPoolerSessionChanged(t *testing.T) {
	t.Parallel()
	pg := pgtest.New(t)
	pool, app := newPooler(t, pg, 3)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	logA := newPauseLog(" OK (") // 0001_item is applied; 0002_price is next
	a := &migrate.Runner{DB: orm.New(txPooler{pool}), Set: newSet(t, pricedSet...), Log: logA}
	resA := make(chan runResult, 1)
	go func() { names, err := a.Migrate(ctx, ""); resA <- runResult{names, err} }()
	logA.waitPaused(t)

	// Another client of the pooler takes the session that holds the lock.
	var lockPID uint32
	require.NoError(t, pg.Pool.QueryRow(ctx, `SELECT l.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
		WHERE l.locktype = 'advisory' AND l.granted AND a.application_name = $1`, app).Scan(&lockPID))
	var others []*pgxpool.Conn
	var held *pgxpool.Conn
	for held == nil {
		c, err := pool.Acquire(ctx)
		require.NoError(t, err)
		if c.Conn().PgConn().PID() == lockPID {
			held = c
			defer held.Release() // the pool's Close waits for it
		} else {
			others = append(others, c)
		}
	}
	for _, c := range others {
		c.Release()
	}

	close(logA.resume)
	ra := <-resA
	require.ErrorIs(t, ra.err, migrate.ErrSharedSession)
	require.Contains(t, ra.err.Error(), "now reaches process")
	require.Contains(t, ra.err.Error(), "stopped before 0002_price")
	require.Contains(t, ra.err.Error(), "the lock stays held until process")
	require.Equal(t, []string{"0001_item"}, ra.applied)
	requireHistory(t, pg, map[string]string{"0001_item": "applied"})
}
