package bench

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// SeedVersion is stored in eager_bench.bench_meta; bump it whenever the
// schema or the seed changes, and the next Setup rebuilds both schemas.
const SeedVersion = 1

// Dataset sizes.
const (
	NumCustomers    = 500
	NumOrders       = 5_000
	NumProducts     = 100
	NumItems        = 15_000 // 3 per order
	NumBigCustomers = 100_000
	NumBigOrders    = 100_000 // each to a random customer: ~1 per customer
)

// ErrNoServer wraps a failure to reach PostgreSQL (as opposed to a failure
// while seeding it): tests skip on it unless CI=true.
var ErrNoServer = errors.New("bench: no PostgreSQL server")

const ddl = `
CREATE TABLE customers (
	id    bigint PRIMARY KEY,
	name  text   NOT NULL,
	email text   NOT NULL UNIQUE
);
CREATE TABLE products (
	id    bigint        PRIMARY KEY,
	name  text          NOT NULL,
	price numeric(12,2) NOT NULL
);
CREATE TABLE orders (
	id          bigint        PRIMARY KEY,
	customer_id bigint        NOT NULL REFERENCES customers (id),
	status      text          NOT NULL,
	total       numeric(12,2) NOT NULL,
	created_at  timestamptz   NOT NULL
);
CREATE TABLE order_items (
	id         bigint        PRIMARY KEY,
	order_id   bigint        NOT NULL REFERENCES orders (id),
	product_id bigint        NOT NULL REFERENCES products (id),
	quantity   integer       NOT NULL,
	price      numeric(12,2) NOT NULL
);
`

// Indexes are built after COPY: faster than maintaining them row by row.
const indexes = `
CREATE INDEX orders_customer_id_idx ON orders (customer_id);
CREATE INDEX order_items_order_id_idx ON order_items (order_id);
CREATE INDEX order_items_product_id_idx ON order_items (product_id);
`

var (
	setupOnce sync.Once
	setupEnv  *Env
	setupErr  error
)

// Setup makes sure both schemas exist and hold the current seed, once per
// process: if eager_bench.bench_meta records SeedVersion it does nothing,
// else it drops and rebuilds both schemas in one transaction (COPY, about a
// second). Concurrent callers serialize on an advisory lock.
func Setup(ctx context.Context) (*Env, error) {
	setupOnce.Do(func() { setupEnv, setupErr = setup(ctx, ServerDSN()) })
	return setupEnv, setupErr
}

func setup(ctx context.Context, dsn string) (*Env, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cctx, ccancel := context.WithTimeout(ctx, 10*time.Second)
	conn, err := pgx.Connect(cctx, dsn)
	ccancel()
	if err != nil {
		return nil, fmt.Errorf("%w at %s: %v", ErrNoServer, redact(dsn), err)
	}
	defer conn.Close(context.Background())

	// One lock for every process seeding this server.
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock(hashtext('eager_bench_seed'))"); err != nil {
		return nil, fmt.Errorf("bench: lock: %w", err)
	}
	defer conn.Exec(context.Background(), "SELECT pg_advisory_unlock(hashtext('eager_bench_seed'))")

	if seeded(ctx, conn) {
		return &Env{DSN: dsn}, nil
	}
	if err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error { return seed(ctx, tx) }); err != nil {
		return nil, fmt.Errorf("bench: seed: %w", err)
	}
	for _, s := range []string{MainSchema, BigSchema} {
		if _, err := conn.Exec(ctx, "ANALYZE "+s+".customers, "+s+".orders, "+s+".products, "+s+".order_items"); err != nil {
			return nil, fmt.Errorf("bench: analyze: %w", err)
		}
	}
	return &Env{DSN: dsn}, nil
}

// seeded reports whether both schemas hold the current seed: the marker
// row, and the big schema still there (it is dropped and created with the
// main one, but someone may have dropped it by hand).
func seeded(ctx context.Context, conn *pgx.Conn) bool {
	var v int
	var big bool
	err := conn.QueryRow(ctx, "SELECT seed_version, to_regclass('"+BigSchema+".orders') IS NOT NULL FROM "+MainSchema+".bench_meta").Scan(&v, &big)
	return err == nil && v == SeedVersion && big
}

func redact(dsn string) string {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return "(unparsable DSN)"
	}
	return fmt.Sprintf("%s@%s:%d/%s", cfg.User, cfg.Host, cfg.Port, cfg.Database)
}

func seed(ctx context.Context, tx pgx.Tx) error {
	for _, s := range []string{MainSchema, BigSchema} {
		if _, err := tx.Exec(ctx, "DROP SCHEMA IF EXISTS "+s+" CASCADE"); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "CREATE SCHEMA "+s+"; SET LOCAL search_path = "+s+";"+ddl); err != nil {
			return err
		}
	}
	if err := seedMain(ctx, tx); err != nil {
		return err
	}
	if err := seedBig(ctx, tx); err != nil {
		return err
	}
	for _, s := range []string{MainSchema, BigSchema} {
		if _, err := tx.Exec(ctx, "SET LOCAL search_path = "+s+";"+indexes); err != nil {
			return err
		}
	}
	_, err := tx.Exec(ctx, fmt.Sprintf(
		"CREATE TABLE %s.bench_meta (seed_version int NOT NULL, seeded_at timestamptz NOT NULL DEFAULT now());"+
			"INSERT INTO %s.bench_meta (seed_version) VALUES (%d)", MainSchema, MainSchema, SeedVersion))
	return err
}

var statuses = []string{"pending", "paid", "shipped", "cancelled"}

// epoch is the earliest created_at; orders spread over the following year
// at microsecond resolution.
var epoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

func money(cents int64) pgtype.Numeric {
	return pgtype.Numeric{Int: big.NewInt(cents), Exp: -2, Valid: true}
}

func seedMain(ctx context.Context, tx pgx.Tx) error {
	rng := rand.New(rand.NewPCG(8, 2024))
	customers := make([][]any, NumCustomers)
	for i := range customers {
		id := int64(i + 1)
		customers[i] = []any{id, fmt.Sprintf("Customer %03d", id), fmt.Sprintf("customer%d@example.com", id)}
	}
	productPrice := make([]int64, NumProducts+1)
	products := make([][]any, NumProducts)
	for i := range products {
		id := int64(i + 1)
		productPrice[id] = 100 + rng.Int64N(20_000)
		products[i] = []any{id, fmt.Sprintf("Product %03d", id), money(productPrice[id])}
	}
	orders := make([][]any, NumOrders)
	for i := range orders {
		orders[i] = orderRow(rng, int64(i+1), NumCustomers)
	}
	items := make([][]any, NumItems)
	for i := range items {
		pid := 1 + rng.Int64N(NumProducts)
		items[i] = []any{int64(i + 1), int64(i/3 + 1), pid, int32(1 + rng.IntN(5)), money(productPrice[pid])}
	}
	return copyAll(ctx, tx, MainSchema, []table{
		{"customers", []string{"id", "name", "email"}, customers},
		{"products", []string{"id", "name", "price"}, products},
		{"orders", orderColumns, orders},
		{"order_items", []string{"id", "order_id", "product_id", "quantity", "price"}, items},
	})
}

func seedBig(ctx context.Context, tx pgx.Tx) error {
	rng := rand.New(rand.NewPCG(100_000, 2024))
	customers := make([][]any, NumBigCustomers)
	for i := range customers {
		id := int64(i + 1)
		customers[i] = []any{id, fmt.Sprintf("Customer %06d", id), fmt.Sprintf("customer%d@example.com", id)}
	}
	orders := make([][]any, NumBigOrders)
	for i := range orders {
		orders[i] = orderRow(rng, int64(i+1), NumBigCustomers)
	}
	return copyAll(ctx, tx, BigSchema, []table{
		{"customers", []string{"id", "name", "email"}, customers},
		{"orders", orderColumns, orders},
	})
}

var orderColumns = []string{"id", "customer_id", "status", "total", "created_at"}

func orderRow(rng *rand.Rand, id, customers int64) []any {
	return []any{
		id,
		1 + rng.Int64N(customers),
		statuses[rng.IntN(len(statuses))],
		money(100 + rng.Int64N(100_000)),
		epoch.Add(time.Duration(rng.Int64N(int64(365*24*time.Hour/time.Microsecond))) * time.Microsecond),
	}
}

type table struct {
	name    string
	columns []string
	rows    [][]any
}

func copyAll(ctx context.Context, tx pgx.Tx, schema string, tables []table) error {
	for _, t := range tables {
		n, err := tx.CopyFrom(ctx, pgx.Identifier{schema, t.name}, t.columns, pgx.CopyFromRows(t.rows))
		if err != nil {
			return fmt.Errorf("copy %s.%s: %w", schema, t.name, err)
		}
		if int(n) != len(t.rows) {
			return fmt.Errorf("copy %s.%s: %d of %d rows", schema, t.name, n, len(t.rows))
		}
	}
	return nil
}
