package bench

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
)

// DefaultDSN is used when neither $EAGER_DATABASE_URL nor $DATABASE_URL is set.
const DefaultDSN = "postgres://postgres@127.0.0.1:5432/test"

// ServerDSN resolves the server the way the main repository's tests do:
// $EAGER_DATABASE_URL, else $DATABASE_URL, else DefaultDSN.
func ServerDSN() string {
	for _, k := range []string{"EAGER_DATABASE_URL", "DATABASE_URL"} {
		if v := os.Getenv(k); v != "" {
			return v
		}
	}
	return DefaultDSN
}

// Dataset picks the schema a connection reads.
type Dataset int

const (
	// Main is schema eager_bench: 500 customers, 5,000 orders, 100
	// products, 15,000 order items.
	Main Dataset = iota
	// Big is schema eager_bench_big: the same tables, 100,000 customers and
	// 100,000 orders (products and order_items empty).
	Big
)

// Schema names of the datasets.
const (
	MainSchema = "eager_bench"
	BigSchema  = "eager_bench_big"
)

func (d Dataset) schema() string {
	if d == Big {
		return BigSchema
	}
	return MainSchema
}

// Env is the seeded server: Setup returns it.
type Env struct {
	// DSN is the server's DSN, without a search_path.
	DSN string
}

// datasetDSN returns the server DSN with search_path set to d's schema.
func (e *Env) datasetDSN(d Dataset) (string, error) {
	u, err := url.Parse(e.DSN)
	if err != nil || u.Scheme == "" {
		// key=value form
		return e.DSN + " search_path=" + d.schema(), nil
	}
	q := u.Query()
	q.Set("search_path", d.schema())
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// Conn is what a Factory gets: connections to either dataset whose
// statements are counted for this implementation only.
type Conn struct {
	env     *Env
	counter *Counter
}

// DSN returns the DSN of dataset d (search_path set). Connections opened
// from it are not counted unless their config goes through Instrument.
func (c *Conn) DSN(d Dataset) string {
	dsn, _ := c.env.datasetDSN(d)
	return dsn
}

// Instrument sets the statement tracer and d's search_path on a pool
// config, e.g. for orm.Open(ctx, c.DSN(d), orm.WithPoolConfig(...)).
func (c *Conn) Instrument(d Dataset, cfg *pgxpool.Config) {
	c.instrument(d, cfg.ConnConfig)
}

func (c *Conn) instrument(d Dataset, cc *pgx.ConnConfig) {
	cc.Tracer = c.counter
	if cc.RuntimeParams == nil {
		cc.RuntimeParams = map[string]string{}
	}
	cc.RuntimeParams["search_path"] = d.schema()
}

// PoolConfig returns a pgxpool config for dataset d, instrumented.
func (c *Conn) PoolConfig(d Dataset) (*pgxpool.Config, error) {
	cfg, err := pgxpool.ParseConfig(c.env.DSN)
	if err != nil {
		return nil, fmt.Errorf("bench: parse DSN: %w", err)
	}
	c.Instrument(d, cfg)
	return cfg, nil
}

// Pool opens a pgx pool on dataset d, instrumented.
func (c *Conn) Pool(ctx context.Context, d Dataset) (*pgxpool.Pool, error) {
	cfg, err := c.PoolConfig(d)
	if err != nil {
		return nil, err
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("bench: pool: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("bench: ping: %w", err)
	}
	return pool, nil
}

// SQL opens a database/sql handle on dataset d through pgx's stdlib driver,
// instrumented (the driver GORM's postgres dialector, Bun, sqlx and ent
// all run on here).
func (c *Conn) SQL(d Dataset) (*sql.DB, error) {
	cc, err := pgx.ParseConfig(c.env.DSN)
	if err != nil {
		return nil, fmt.Errorf("bench: parse DSN: %w", err)
	}
	c.instrument(d, cc)
	db := stdlib.OpenDB(*cc)
	db.SetMaxOpenConns(4)
	db.SetMaxIdleConns(4)
	return db, nil
}

// Counter counts the statements sent through connections it traces: every
// Query/Exec and every statement of a pgx.Batch. Preparing a statement
// (pgx's statement cache) and COPY are not counted.
type Counter struct {
	n atomic.Int64
}

// Load returns the statements counted so far.
func (c *Counter) Load() int64 { return c.n.Load() }

// TraceQueryStart implements pgx.QueryTracer.
func (c *Counter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	c.n.Add(1)
	return ctx
}

// TraceQueryEnd implements pgx.QueryTracer.
func (c *Counter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// TraceBatchStart implements pgx.BatchTracer.
func (c *Counter) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	return ctx
}

// TraceBatchQuery implements pgx.BatchTracer: each queued statement counts.
func (c *Counter) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {
	c.n.Add(1)
}

// TraceBatchEnd implements pgx.BatchTracer.
func (c *Counter) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}
