package orm

import (
	"context"
	"fmt"
	"reflect"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// DB is eager's database handle: a Querier plus the hooks and load mode that
// apply to every statement sent through it. It is safe for concurrent use,
// except a DB handed to a RunInTx callback, which belongs to that transaction.
type DB struct {
	q     Querier
	pool  *pgxpool.Pool // non-nil only when Open created it, so Close closes it
	hooks []QueryHook
	mode  LoadMode
	floor LoadMode // the loosest mode rows may carry (WithLoadModeFloor)
	inTx  bool
	// limits bound each statement's cost (timeouts, path depth).
	limits limits
}

// Option configures a DB. Pool options apply only to Open, which creates the pool.
type Option func(*config)

type config struct {
	hooks    []QueryHook
	mode     LoadMode
	floor    LoadMode
	limits   limits
	poolOpts []func(*pgxpool.Config)
}

// WithHook attaches a QueryHook; hooks run in the order given.
func WithHook(h QueryHook) Option {
	return func(c *config) { c.hooks = append(c.hooks, h) }
}

// WithLoadMode sets how unloaded relation access behaves (default Lazy).
func WithLoadMode(m LoadMode) Option {
	return func(c *config) { c.mode = m }
}

// WithMaxConns sets the pool size (also settable as pool_max_conns in the DSN).
func WithMaxConns(n int32) Option {
	return withPool(func(pc *pgxpool.Config) { pc.MaxConns = n })
}

// WithMinConns keeps at least n connections open (DSN: pool_min_conns).
func WithMinConns(n int32) Option {
	return withPool(func(pc *pgxpool.Config) { pc.MinConns = n })
}

// WithMaxConnLifetime closes connections older than d (DSN: pool_max_conn_lifetime).
func WithMaxConnLifetime(d time.Duration) Option {
	return withPool(func(pc *pgxpool.Config) { pc.MaxConnLifetime = d })
}

// WithMaxConnIdleTime closes connections idle longer than d (DSN: pool_max_conn_idle_time).
func WithMaxConnIdleTime(d time.Duration) Option {
	return withPool(func(pc *pgxpool.Config) { pc.MaxConnIdleTime = d })
}

// WithPoolConfig gives direct access to the pgxpool configuration, for
// settings eager has no option for (AfterConnect, tracers, TLS).
func WithPoolConfig(fn func(*pgxpool.Config)) Option { return withPool(fn) }

func withPool(fn func(*pgxpool.Config)) Option {
	return func(c *config) { c.poolOpts = append(c.poolOpts, fn) }
}

func buildConfig(opts []Option) config {
	var c config
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	return c
}

// Open creates a connection pool for dsn (a URL or key=value string; pool_*
// parameters are honoured) and checks that the server answers. Close releases it.
func Open(ctx context.Context, dsn string, opts ...Option) (*DB, error) {
	c := buildConfig(opts)
	pc, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("orm: open: %w", err)
	}
	for _, fn := range c.poolOpts {
		fn(pc)
	}
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("orm: open: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("orm: open: %w", err)
	}
	return &DB{q: pool, pool: pool, hooks: c.hooks, mode: c.mode, floor: c.floor, limits: c.limits}, nil
}

// New wraps a pool, connection or transaction the caller owns; Close leaves it
// open. Pool options are ignored here: the pool already exists. A nil q (or
// a nil *pgxpool.Pool, *pgx.Conn) gives a DB whose every statement fails
// with an error that says so, instead of a panic.
func New(q Querier, opts ...Option) *DB {
	if q == nil || (reflect.ValueOf(q).Kind() == reflect.Pointer && reflect.ValueOf(q).IsNil()) {
		q = noQuerier{}
	}
	c := buildConfig(opts)
	// A pool or connection can begin a transaction with options; a pgx.Tx
	// cannot, because what it begins is a savepoint.
	_, canBeginTx := q.(txBeginner)
	return &DB{q: q, hooks: c.hooks, mode: c.mode, floor: c.floor, inTx: !canBeginTx, limits: c.limits}
}

// Close closes the pool if Open created it; a DB from New leaves the caller's
// Querier alone.
func (db *DB) Close() {
	if db != nil && db.pool != nil {
		db.pool.Close()
	}
}

// Querier returns what the DB sends statements through, for code that needs
// pgx directly. Statements sent on it bypass the DB's hooks. A nil DB has none.
func (db *DB) Querier() Querier {
	if db == nil {
		return nil
	}
	return db.q
}

// LoadMode is the DB's default load mode (raised to its floor, if any).
func (db *DB) LoadMode() LoadMode {
	if db == nil {
		return Lazy
	}
	return db.mode.atLeast(db.floor)
}

// InTx reports whether the DB runs inside a transaction.
func (db *DB) InTx() bool { return db != nil && db.inTx }

// WithHooks returns a DB on the same connection with more hooks appended.
// The receiver is unchanged, so a shared DB can be specialised per request.
func (db *DB) WithHooks(hooks ...QueryHook) *DB {
	c := *db
	c.pool = nil // the copy never closes the original's pool
	c.hooks = append(append([]QueryHook(nil), db.hooks...), hooks...)
	return &c
}

// WithLoadMode returns a DB on the same connection with another default
// mode. The DB's floor (WithLoadModeFloor) stays.
func (db *DB) WithLoadMode(m LoadMode) *DB {
	c := *db
	c.pool = nil
	c.mode = m
	return &c
}
