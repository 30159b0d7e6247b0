package migrate_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eagerorm/eager/internal/pgtest"
	"github.com/eagerorm/eager/migrate"
	"github.com/eagerorm/eager/orm"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"
)

// syncBuffer is a log two goroutines can write while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// gate is an advisory lock the test holds on a connection of its own; a
// migration that runs SELECT pg_advisory_xact_lock(key) stops there until
// the test opens the gate. It makes "runner A is in the middle of
// migrating" a state the test can wait for instead of a sleep.
type gate struct {
	key  int64
	conn *pgx.Conn
}

func newGate(t testing.TB, dsn string) *gate {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close(context.Background()) })
	g := &gate{key: 1_000_000 + rand.Int64N(1<<30), conn: conn}
	_, err = conn.Exec(ctx, "SELECT pg_advisory_lock($1)", g.key)
	require.NoError(t, err)
	return g
}

// hold is the migration step that waits at the gate.
func (g *gate) hold() migrate.RunSQL {
	return migrate.RunSQL{Forward: fmt.Sprintf("SELECT pg_advisory_xact_lock(%d)", g.key), Backward: migrate.Noop}
}

// waitBlocked waits until some session is queued on the gate.
func (g *gate) waitBlocked(t testing.TB) {
	t.Helper()
	waitFor(t, "a runner to block at the gate", func() bool {
		var n int
		err := g.conn.QueryRow(context.Background(), `SELECT count(*) FROM pg_locks
			WHERE locktype = 'advisory' AND NOT granted AND classid = 0 AND objid = $1::bigint::oid`, g.key).Scan(&n)
		require.NoError(t, err)
		return n > 0
	})
}

func (g *gate) open(t testing.TB) {
	t.Helper()
	_, err := g.conn.Exec(context.Background(), "SELECT pg_advisory_unlock($1)", g.key)
	require.NoError(t, err)
}

// waitFor polls cond; the deadline only turns a hang into a failure.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func openDB(t testing.TB, dsn string) *orm.DB {
	t.Helper()
	db, err := orm.Open(context.Background(), dsn)
	require.NoError(t, err)
	t.Cleanup(db.Close)
	return db
}

type runResult struct {
	applied []string
	err     error
}

// TestTwoRunnersTakeTurns starts two runners against one database while the
// first is in the middle of migrating: the second waits for the lock, then
// finds nothing to do, and neither fails. With an index built concurrently
// in the last migration, the waiter must not stall the build (it polls
// pg_try_advisory_lock, holding no snapshot between attempts).
func TestTwoRunnersTakeTurns(t *testing.T) {
	for _, tc := range []struct {
		name string
		last migrate.Operation
	}{
		{"plain", migrate.AddColumn{Table: "item", Column: migrate.Column{Name: "price", Type: "integer", Default: "0"}}},
		{"concurrent index", migrate.AddIndex{Table: "item", Name: "item_name_idx", Columns: []string{"name"}, Concurrently: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			pg := pgtest.New(t)
			g := newGate(t, pg.DSN)
			set := newSet(t,
				migrate.Migration{Name: "0001_item", Operations: []migrate.Operation{
					migrate.CreateTable{Table: "item", Columns: []migrate.Column{{Name: "id", Type: "bigint"}, {Name: "name", Type: "text"}}, PrimaryKey: []string{"id"}},
					migrate.RunSQL{Forward: "INSERT INTO item SELECT g, 'n' || g FROM generate_series(1, 1000) g", Backward: migrate.Noop},
				}},
				migrate.Migration{Name: "0002_wait", Operations: []migrate.Operation{g.hold()}},
				migrate.Migration{Name: "0003_last", Operations: []migrate.Operation{tc.last}},
			)
			var logA, logB syncBuffer
			a := &migrate.Runner{DB: openDB(t, pg.DSN), Set: set, Log: &logA}
			b := &migrate.Runner{DB: openDB(t, pg.DSN), Set: set, Log: &logB}
			ctx := context.Background()

			resA, resB := make(chan runResult, 1), make(chan runResult, 1)
			go func() { names, err := a.Migrate(ctx, ""); resA <- runResult{names, err} }()
			g.waitBlocked(t) // A holds the migration lock and is inside 0002
			go func() { names, err := b.Migrate(ctx, ""); resB <- runResult{names, err} }()
			waitFor(t, "runner B to wait for the lock", func() bool { return strings.Contains(logB.String(), "Waiting for the migration lock") })
			g.open(t)

			ra, rb := <-resA, <-resB
			require.NoError(t, ra.err, "runner A")
			require.NoError(t, rb.err, "runner B")
			require.Equal(t, []string{"0001_item", "0002_wait", "0003_last"}, ra.applied)
			require.Empty(t, rb.applied, "runner B found nothing to do")
			require.Contains(t, logB.String(), "held by pid", "the waiter says who holds the lock")
			requireHistory(t, pg, map[string]string{"0001_item": "applied", "0002_wait": "applied", "0003_last": "applied"})
			cat := catalog(t, pg)
			if _, ok := tc.last.(migrate.AddIndex); ok {
				require.Contains(t, cat, "index item.item_name_idx CREATE INDEX item_name_idx ON item USING btree (name)", "built, and valid")
			} else {
				require.Contains(t, cat, "column item.price integer not null default 0")
			}
		})
	}
}

// TestRunnersStartedAtOnce starts two runners at the same instant, with no
// orchestration: exactly one applies everything, the other applies nothing,
// and neither fails.
func TestRunnersStartedAtOnce(t *testing.T) {
	t.Parallel()
	pg := pgtest.New(t)
	set := newSet(t,
		migrate.Migration{Name: "0001_item", Operations: []migrate.Operation{
			migrate.CreateTable{Table: "item", Columns: []migrate.Column{{Name: "id", Type: "bigint"}, {Name: "name", Type: "text"}}, PrimaryKey: []string{"id"}},
		}},
		migrate.Migration{Name: "0002_item_name_idx", Operations: []migrate.Operation{
			migrate.AddIndex{Table: "item", Name: "item_name_idx", Columns: []string{"name"}, Concurrently: true},
		}},
	)
	runners := []*migrate.Runner{
		{DB: openDB(t, pg.DSN), Set: set},
		{DB: openDB(t, pg.DSN), Set: set},
	}
	start := make(chan struct{})
	results := make(chan runResult, 2)
	for _, r := range runners {
		go func() {
			<-start
			names, err := r.Migrate(context.Background(), "")
			results <- runResult{names, err}
		}()
	}
	close(start)
	r1, r2 := <-results, <-results
	require.NoError(t, r1.err)
	require.NoError(t, r2.err)
	require.ElementsMatch(t, [][]string{{"0001_item", "0002_item_name_idx"}, nil}, [][]string{r1.applied, r2.applied})
	requireHistory(t, pg, map[string]string{"0001_item": "applied", "0002_item_name_idx": "applied"})
}

// TestLockTimeout: a runner that cannot get the lock in time gives up with
// ErrLockTimeout, naming the session that holds it, and changes nothing.
func TestLockTimeout(t *testing.T) {
	t.Parallel()
	pg := pgtest.New(t)
	g := newGate(t, pg.DSN)
	set := newSet(t, migrate.Migration{Name: "0001_wait", Operations: []migrate.Operation{g.hold()}})
	a := &migrate.Runner{DB: openDB(t, pg.DSN), Set: set}
	res := make(chan runResult, 1)
	go func() { names, err := a.Migrate(context.Background(), ""); res <- runResult{names, err} }()
	g.waitBlocked(t)

	b := &migrate.Runner{DB: openDB(t, pg.DSN), Set: set, LockTimeout: 50 * time.Millisecond}
	_, err := b.Migrate(context.Background(), "")
	require.ErrorIs(t, err, migrate.ErrLockTimeout)
	require.Contains(t, err.Error(), "held by pid")

	g.open(t)
	ra := <-res
	require.NoError(t, ra.err)
	require.Equal(t, []string{"0001_wait"}, ra.applied)
}

// TestRefusesStandby: on a server in recovery the runner refuses before
// touching anything. A standby cannot be made per test, so the test shadows
// pg_is_in_recovery() with a function of its schema, placed before
// pg_catalog in search_path (PostgreSQL searches pg_catalog first only when
// the path does not name it).
func TestRefusesStandby(t *testing.T) {
	t.Parallel()
	pg := pgtest.New(t)
	ctx := context.Background()
	_, err := pg.Pool.Exec(ctx, "CREATE FUNCTION pg_is_in_recovery() RETURNS boolean LANGUAGE sql AS 'SELECT true'")
	require.NoError(t, err)
	dsn := strings.Replace(pg.DSN, "search_path="+pg.Schema, "search_path="+pg.Schema+"%2Cpg_catalog", 1)
	require.NotEqual(t, pg.DSN, dsn)

	set := newSet(t, migrate.Migration{Name: "0001_item", Operations: []migrate.Operation{
		migrate.CreateTable{Table: "item", Columns: []migrate.Column{{Name: "id", Type: "bigint"}}},
	}})
	r := &migrate.Runner{DB: openDB(t, dsn), Set: set}
	_, err = r.Migrate(ctx, "")
	require.ErrorIs(t, err, migrate.ErrStandby)
	code, _, stderr := cli(t, []string{"migrate", "-dsn", dsn}, migrate.Migrations(set.Migrations()...))
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "standby")
	code, out, _ := cli(t, []string{"status", "-dsn", dsn}, migrate.Migrations(set.Migrations()...))
	require.Equal(t, 0, code, "status only reads: it works on a standby")
	require.Contains(t, out, "0001_item  pending")
	requireCatalog(t, pg, nil)
	var exists bool
	require.NoError(t, pg.Pool.QueryRow(ctx, "SELECT to_regclass('eager_migrations') IS NOT NULL").Scan(&exists))
	require.False(t, exists, "no history table on a standby")
}

// TestBlockingAdvisoryLockStallsConcurrentIndex shows, on the real server,
// why the runner polls pg_try_advisory_lock: a session waiting inside the
// blocking pg_advisory_lock holds a snapshot, and CREATE INDEX CONCURRENTLY
// waits for it. When the lock's holder is the session building the index,
// PostgreSQL reports a deadlock and kills one of them; when the lock is held
// on another connection (as the runner holds it), the build just waits for
// the waiter, which waits for the lock: nothing detects that.
func TestBlockingAdvisoryLockStallsConcurrentIndex(t *testing.T) {
	setup := func(t *testing.T) (holder, builder, waiter *pgx.Conn, waited chan error, key int64, pg *pgtest.DB) {
		pg = pgtest.New(t)
		ctx := context.Background()
		connect := func() *pgx.Conn {
			c, err := pgx.Connect(ctx, pg.DSN)
			require.NoError(t, err)
			t.Cleanup(func() { c.Close(context.Background()) })
			return c
		}
		holder, builder, waiter = connect(), connect(), connect()
		_, err := holder.Exec(ctx, "CREATE TABLE item (id bigint, name text)")
		require.NoError(t, err)
		key = 1_000_000 + rand.Int64N(1<<30)
		_, err = holder.Exec(ctx, "SELECT pg_advisory_lock($1)", key)
		require.NoError(t, err)
		waited = make(chan error, 1)
		go func() { _, err := waiter.Exec(ctx, "SELECT pg_advisory_lock($1)", key); waited <- err }()
		waitFor(t, "the waiter to block in pg_advisory_lock", func() bool {
			var n int
			require.NoError(t, pg.Pool.QueryRow(ctx, "SELECT count(*) FROM pg_locks WHERE pid = $1 AND NOT granted",
				waiter.PgConn().PID()).Scan(&n))
			return n > 0
		})
		return holder, builder, waiter, waited, key, pg
	}
	const cic = "CREATE INDEX CONCURRENTLY item_name_idx ON item (name)"

	t.Run("holder builds: deadlock", func(t *testing.T) {
		t.Parallel()
		holder, _, _, waited, key, _ := setup(t)
		_, err := holder.Exec(context.Background(), cic)
		// The deadlock detector kills whichever side detects the cycle
		// first. When that is the build, the holder still holds the lock
		// and the waiter would wait for it forever (and every other
		// CREATE INDEX CONCURRENTLY in the database with it): release it.
		_, uerr := holder.Exec(context.Background(), "SELECT pg_advisory_unlock($1)", key)
		require.NoError(t, uerr)
		werr := receive(t, waited, "the waiter to return")
		var pgErr *pgconn.PgError
		deadlock := func(err error) bool { return errors.As(err, &pgErr) && pgErr.Code == "40P01" }
		require.True(t, deadlock(err) || deadlock(werr), "one side is killed as a deadlock; index: %v, waiter: %v", err, werr)
	})
	t.Run("another session builds: it waits for the waiter", func(t *testing.T) {
		t.Parallel()
		holder, builder, waiter, waited, key, pg := setup(t)
		ctx := context.Background()
		built := make(chan error, 1)
		go func() { _, err := builder.Exec(ctx, cic); built <- err }()
		waitFor(t, "the build to wait for the waiter's snapshot", func() bool {
			var n int
			require.NoError(t, pg.Pool.QueryRow(ctx, `SELECT count(*) FROM pg_locks w
				JOIN pg_locks h ON h.locktype = 'virtualxid' AND h.virtualxid = w.virtualxid AND h.granted
				WHERE w.pid = $1 AND w.locktype = 'virtualxid' AND NOT w.granted AND h.pid = $2`,
				builder.PgConn().PID(), waiter.PgConn().PID()).Scan(&n))
			return n > 0
		})
		// Only releasing the lock (which the runner would do after the build)
		// lets the waiter, and then the build, finish.
		_, err := holder.Exec(ctx, "SELECT pg_advisory_unlock($1)", key)
		require.NoError(t, err)
		require.NoError(t, receive(t, waited, "the waiter to return"))
		require.NoError(t, receive(t, built, "the build to finish"))
	})
}

// receive waits for a goroutine's result, failing the test instead of
// hanging CI when a lock wait never ends.
func receive(t *testing.T, ch <-chan error, what string) error {
	t.Helper()
	select {
	case err := <-ch:
		return err
	case <-time.After(60 * time.Second):
		t.Fatalf("gave up waiting for %s", what)
		return nil
	}
}
