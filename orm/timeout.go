package orm

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// DefaultMaxPathDepth is how many relations a field path given to a
// QuerySet (Filter, OrderBy, Values, GroupBy, an aggregate,
// SelectRelated, PrefetchRelated) may cross unless WithMaxPathDepth says
// otherwise. Each multi-valued relation a path crosses can multiply the
// rows a statement reads, so the depth of a path taken from user input is
// a cost to bound.
const DefaultMaxPathDepth = 8

// limits bound what one statement may cost: how long it runs, how long it
// waits for a lock, how deep the field paths it is built from go.
type limits struct {
	statementTimeout time.Duration
	lockTimeout      time.Duration
	maxPathDepth     int
}

// WithStatementTimeout bounds every statement the DB sends (0: none, the
// default). A statement still running after d is stopped and returns a
// *TimeoutError matching ErrStatementTimeout (and context.DeadlineExceeded).
//
// It is a deadline on the statement's context, which pgx turns into a
// cancel request to the server, so it needs no session state: it works on a
// pool Open creates, on a pool, connection or transaction given to New, and
// behind a transaction pooler (PgBouncer forwards cancel requests). A
// statement that returns rows is bounded until its rows are read: Iter's
// stream on a pool is one statement. pgx's default closes the connection
// on a cancelled statement (a transaction on it is lost, as it would be
// aborted anyway); WithPoolConfig can set a pgconn.CancelRequestContextWatcherHandler
// to keep it. A QuerySet or a DB copy can override it (QuerySet.WithStatementTimeout,
// DB.WithStatementTimeout).
func WithStatementTimeout(d time.Duration) Option {
	return func(c *config) { c.limits.statementTimeout = max(d, 0) }
}

// WithLockTimeout bounds how long a statement in a transaction the DB begins
// (RunInTx, and the transaction Iter opens for a cursor) waits for a lock (0:
// none, the default): PostgreSQL's lock_timeout, set with SET LOCAL in the
// same round trip as BEGIN, so it holds behind a transaction pooler too. A
// statement that waits longer fails with a *TimeoutError matching
// ErrLockTimeout. A single statement outside a transaction is not given it
// (that would take a transaction, or session state a pooler would leak): its
// lock waits are bounded by the statement timeout. In a transaction you
// began yourself and passed to New, run SET LOCAL lock_timeout yourself.
func WithLockTimeout(d time.Duration) Option {
	return func(c *config) { c.limits.lockTimeout = max(d, 0) }
}

// WithMaxPathDepth sets how many relations a field path may cross (default
// DefaultMaxPathDepth). A deeper path is a *FieldError returned before
// anything is sent. Raise it for a schema that needs longer paths;
// math.MaxInt lifts the bound.
func WithMaxPathDepth(n int) Option {
	return func(c *config) { c.limits.maxPathDepth = n }
}

// StatementTimeout is the DB's statement timeout (0: none).
func (db *DB) StatementTimeout() time.Duration {
	if db == nil {
		return 0
	}
	return db.limits.statementTimeout
}

// LockTimeout is the lock timeout of the transactions the DB begins (0: none).
func (db *DB) LockTimeout() time.Duration {
	if db == nil {
		return 0
	}
	return db.limits.lockTimeout
}

// MaxPathDepth is how many relations a field path may cross.
func (db *DB) MaxPathDepth() int {
	if db == nil || db.limits.maxPathDepth <= 0 {
		return DefaultMaxPathDepth
	}
	return db.limits.maxPathDepth
}

// WithStatementTimeout returns a DB on the same connection whose statements
// are bounded by d instead (0: none). The receiver is unchanged; a nil DB
// stays nil (its statements fail with ErrNilDB).
func (db *DB) WithStatementTimeout(d time.Duration) *DB {
	if db == nil {
		return nil
	}
	c := *db
	c.pool = nil
	c.limits.statementTimeout = max(d, 0)
	return &c
}

// WithLockTimeout returns a DB on the same connection whose transactions
// wait at most d for a lock (0: no bound). The receiver is unchanged; a nil
// DB stays nil.
func (db *DB) WithLockTimeout(d time.Duration) *DB {
	if db == nil {
		return nil
	}
	c := *db
	c.pool = nil
	c.limits.lockTimeout = max(d, 0)
	return &c
}

// Sentinels of *TimeoutError, for errors.Is.
var (
	// ErrStatementTimeout: a statement ran longer than its statement timeout.
	ErrStatementTimeout = errors.New("orm: statement timeout")
	// ErrLockTimeout: a statement waited for a lock longer than the lock
	// timeout (SQLSTATE 55P03, lock_not_available).
	ErrLockTimeout = errors.New("orm: lock timeout")
)

// TimeoutError is a statement stopped by one of the DB's timeouts.
// errors.Is matches its Kind; errors.As reaches what pgx returned (the
// context's error, or the *pgconn.PgError).
type TimeoutError struct {
	Kind    error         // ErrStatementTimeout or ErrLockTimeout
	Timeout time.Duration // the bound that was exceeded
	Err     error
}

func (e *TimeoutError) Error() string {
	if e.Kind == ErrLockTimeout {
		return fmt.Sprintf("orm: statement stopped waiting for a lock (lock timeout %s): %v", e.Timeout, e.Err)
	}
	return fmt.Sprintf("orm: statement timed out after %s (statement timeout): %v", e.Timeout, e.Err)
}

// Is reports whether target is the sentinel for this timeout.
func (e *TimeoutError) Is(target error) bool { return target == e.Kind }

// Unwrap returns what pgx returned.
func (e *TimeoutError) Unwrap() error { return e.Err }

// deadlineCause marks the statement timeout as the cause of a context's end,
// so that a timeout is told apart from the caller's own deadline.
type deadlineCause struct{ d time.Duration }

func (c *deadlineCause) Error() string { return "statement timeout " + c.d.String() }

func noCancel() {}

// bound gives one statement the DB's statement timeout. The returned cancel
// must run when the statement is done (its rows closed).
func (db *DB) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	d := db.limits.statementTimeout
	if d <= 0 {
		return ctx, noCancel
	}
	return context.WithTimeoutCause(ctx, d, &deadlineCause{d})
}

// timedOut turns the error of a statement stopped by one of the DB's
// timeouts into a *TimeoutError; ctx is the statement's bounded context.
func (db *DB) timedOut(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	var te *TimeoutError
	if errors.As(err, &te) {
		return err
	}
	var dc *deadlineCause
	if ctx.Err() != nil && errors.As(context.Cause(ctx), &dc) {
		return &TimeoutError{Kind: ErrStatementTimeout, Timeout: dc.d, Err: err}
	}
	var pg *pgconn.PgError
	if db.limits.lockTimeout > 0 && errors.As(err, &pg) && pg.Code == "55P03" {
		return &TimeoutError{Kind: ErrLockTimeout, Timeout: db.limits.lockTimeout, Err: err}
	}
	return err
}

// lockTimeoutSQL is the SET LOCAL that gives a transaction the DB's lock
// timeout, "" when it has none.
func (db *DB) lockTimeoutSQL() string {
	d := db.limits.lockTimeout
	if d <= 0 {
		return ""
	}
	ms := (d + time.Millisecond - 1) / time.Millisecond // round up: a bound is never shortened to 0 (none)
	return "SET LOCAL lock_timeout = " + strconv.FormatInt(int64(ms), 10)
}
