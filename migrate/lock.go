package migrate

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/eagerorm/eager/orm"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ErrLockTimeout is returned (wrapped, with who holds the lock) when another
// runner keeps the migration lock longer than Runner.LockTimeout.
var ErrLockTimeout = errors.New("migrate: timed out waiting for the migration lock")

// ErrStandby is returned when the server is a standby (pg_is_in_recovery()):
// DDL cannot run there, and a deploy pointed at a replica should fail loudly
// rather than retry.
var ErrStandby = errors.New("migrate: the server is a standby (pg_is_in_recovery() is true): run migrations against the primary")

// ErrSharedSession is returned (wrapped, with the server process ids) when
// the migration lock's session is not the runner's alone: the lock was
// already held by the very server session the runner reached, or the
// runner's lock connection reached another server session after taking it.
// Both happen through a transaction pooler (PgBouncer in transaction or
// statement mode), which hands each statement to whichever server session
// is free: a session-level advisory lock then protects nothing, and two
// runners could apply migrations at once.
var ErrSharedSession = errors.New("migrate: the migration lock's server session is shared with other clients (a transaction pooler such as PgBouncer?): migrate over a direct connection to PostgreSQL")

// lockKey is the advisory lock of one history table: runners on the same
// schema exclude each other, runners on different schemas (tests in
// parallel, several apps in one database) do not.
func lockKey(schema, table string) int64 {
	h := fnv.New64a()
	h.Write([]byte("eager/migrate\x00" + schema + "\x00" + table))
	return int64(h.Sum64())
}

// migrationLock is a held session-level advisory lock.
type migrationLock struct {
	db    *orm.DB
	conn  *pgx.Conn // the dedicated connection, when the lock has its own
	key   int64
	owned bool
	pid   int32 // the server process (pg_backend_pid()) holding the lock
}

// tryLockSQL tries the lock and says, in one statement (so on one server
// session, even through a pooler), which session it ran on and whether
// that session held the lock already. pg_try_advisory_lock succeeds again
// in a session that holds the lock (the locks stack), so without the check
// a second runner sharing the first one's session would "get" it too. A
// session that already holds it does not take it again.
const tryLockSQL = `WITH mine AS MATERIALIZED (
	SELECT pg_backend_pid() AS pid, EXISTS (` + heldSQL + `) AS already)
SELECT pid, already, CASE WHEN already THEN false ELSE pg_try_advisory_lock($1) END FROM mine`

// heldSQL: does the current session hold the lock $1? A bigint advisory key
// is stored as classid (its high half) and objid (its low half), with
// objsubid 1.
const heldSQL = `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = pg_backend_pid()
		AND classid::bigint = ($1::bigint >> 32) & 4294967295 AND objid::bigint = $1::bigint & 4294967295 AND objsubid = 1`

// acquireLock takes the migration lock by polling pg_try_advisory_lock until
// it succeeds, the timeout passes or ctx ends.
//
// It never calls the blocking pg_advisory_lock. A session waiting inside
// pg_advisory_lock is running a statement, so it holds a snapshot for as long
// as it waits; CREATE INDEX CONCURRENTLY, run by the lock's holder, waits for
// every transaction with an older snapshot to finish before it completes. The
// holder waits for the waiter and the waiter for the holder: PostgreSQL kills
// one of them as a deadlock when both are its own locks, and when the lock
// sits on another connection (as here) nothing detects it and both hang.
// Polling holds no snapshot between attempts, so a second deployer simply
// waits its turn, even while the first builds an index concurrently.
func (r *Runner) acquireLock(ctx context.Context, key int64) (*migrationLock, error) {
	l, err := r.lockSession(ctx)
	if err != nil {
		return nil, err
	}
	l.key = key
	deadline := time.Now().Add(r.lockTimeout())
	wait := 20 * time.Millisecond
	announced := false
	for {
		var got, already bool
		var pid int32
		if err := l.db.QueryRow(ctx, tryLockSQL, key).Scan(&pid, &already, &got); err != nil {
			l.close()
			return nil, fmt.Errorf("migrate: taking the migration lock: %w", err)
		}
		if already {
			l.close()
			return nil, fmt.Errorf("%w (the lock was already held by server process %d, the very session this runner reached, before it took the lock)", ErrSharedSession, pid)
		}
		if got {
			l.owned, l.pid = true, pid
			return l, nil
		}
		if !announced {
			r.logf("Waiting for the migration lock (%s)...\n", r.lockHolder(ctx, l.db, key))
			announced = true
		}
		if time.Now().After(deadline) {
			holder := r.lockHolder(ctx, l.db, key)
			l.close()
			return nil, fmt.Errorf("%w after %v (%s)", ErrLockTimeout, r.lockTimeout(), holder)
		}
		select {
		case <-ctx.Done():
			l.close()
			return nil, fmt.Errorf("migrate: waiting for the migration lock: %w", ctx.Err())
		case <-time.After(wait):
		}
		if wait < time.Second {
			wait *= 2
		}
	}
}

// lockSession returns the session the advisory lock lives on. A session lock
// belongs to one connection, and a pool hands out any: so with a pool the
// lock gets a connection of its own, opened from the pool's configuration,
// and the migrations themselves still run through the caller's DB (and its
// hooks). A DB on a single connection holds the lock itself.
func (r *Runner) lockSession(ctx context.Context) (*migrationLock, error) {
	if r.DB.InTx() {
		return nil, errors.New("migrate: the runner's DB is a transaction; give it a pool or a connection (migrations manage their own transactions, and some run outside one)")
	}
	pool, ok := r.DB.Querier().(*pgxpool.Pool)
	if !ok {
		return &migrationLock{db: r.DB}, nil
	}
	conn, err := pgx.ConnectConfig(ctx, pool.Config().ConnConfig.Copy())
	if err != nil {
		return nil, fmt.Errorf("migrate: opening the lock connection: %w", err)
	}
	return &migrationLock{db: orm.New(conn), conn: conn}, nil
}

// lockHolder describes who holds the lock, for the waiting message and the
// timeout error.
func (r *Runner) lockHolder(ctx context.Context, db *orm.DB, key int64) string {
	// A bigint advisory key is stored as classid (high half) and objid (low
	// half), with objsubid 1.
	hi, lo := int64(uint64(key)>>32), int64(uint32(key))
	var pid int32
	var app, since string
	err := db.QueryRow(ctx, `SELECT l.pid, coalesce(a.application_name, ''), coalesce(to_char(a.backend_start, 'YYYY-MM-DD HH24:MI:SS TZ'), '')
		FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
		WHERE l.locktype = 'advisory' AND l.granted AND l.classid::bigint = $1 AND l.objid::bigint = $2 AND l.objsubid = 1
		  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`, hi, lo).Scan(&pid, &app, &since)
	if errors.Is(err, pgx.ErrNoRows) {
		return "its holder has just released it"
	}
	if err != nil {
		return "held by another session"
	}
	s := fmt.Sprintf("held by pid %d", pid)
	if app != "" {
		s += fmt.Sprintf(", application_name %q", app)
	}
	if since != "" {
		s += ", connected since " + since
	}
	return s
}

// check makes sure, before each migration, that the lock's connection
// still reaches the server session that took the lock, and that the lock
// is still held there.
func (l *migrationLock) check(ctx context.Context, next string) error {
	var pid int32
	var held bool
	if err := l.db.QueryRow(ctx, "SELECT pg_backend_pid(), EXISTS ("+heldSQL+")", l.key).Scan(&pid, &held); err != nil {
		return fmt.Errorf("migrate: checking the migration lock before %s: %w", next, err)
	}
	if pid != l.pid {
		return fmt.Errorf("%w (the lock was taken in server process %d, but the runner's lock connection now reaches process %d; stopped before %s)", ErrSharedSession, l.pid, pid, next)
	}
	if !held {
		return fmt.Errorf("migrate: the migration lock is no longer held by server process %d (released by someone else?); stopped before %s", pid, next)
	}
	return nil
}

// release unlocks and closes the lock's connection. It runs even when ctx
// is cancelled: a lock left behind on a pooled connection would block every
// later deploy until that connection closes. It unlocks only in the
// session that took the lock: elsewhere the unlock would do nothing.
func (l *migrationLock) release(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	var err error
	if l.owned {
		var pid int32
		var ok *bool // NULL: not unlocked, because this is another session
		err = l.db.QueryRow(ctx, "SELECT pg_backend_pid(), CASE WHEN pg_backend_pid() = $2 THEN pg_advisory_unlock($1) END", l.key, l.pid).Scan(&pid, &ok)
		switch {
		case err != nil:
			err = fmt.Errorf("migrate: releasing the migration lock: %w", err)
		case ok == nil:
			err = fmt.Errorf("%w (the lock was taken in server process %d, but at release the runner's lock connection reaches process %d: the lock stays held until process %d's session ends)", ErrSharedSession, l.pid, pid, l.pid)
		case !*ok:
			err = fmt.Errorf("migrate: the migration lock was not held at release by server process %d (connection reset?)", pid)
		}
	}
	l.close()
	return err
}

func (l *migrationLock) close() {
	if l.conn != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		l.conn.Close(ctx)
	}
}
