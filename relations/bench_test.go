package relations_test

import (
	"context"
	"testing"
	"time"

	"github.com/eagerorm/eager/internal/load"
	"github.com/eagerorm/eager/internal/pgtest"
	"github.com/eagerorm/eager/orm"
	"github.com/eagerorm/eager/queryset"
	"github.com/eagerorm/eager/relations"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The benchmark shop: 500 customers with 10 orders each.
type benchCustomer struct {
	ID     int64                      `db:"id" orm:"pk"`
	Name   string                     `db:"name"`
	Email  string                     `db:"email"`
	Orders relations.Many[benchOrder] `orm:"reverse:Customer"`
}

func (benchCustomer) TableName() string { return "bench_customer" }

type benchOrder struct {
	ID        int64                               `db:"id" orm:"pk"`
	Customer  relations.ForeignKey[benchCustomer] `db:"customer_id"`
	Status    string                              `db:"status"`
	Total     float64                             `db:"total" orm:"type:numeric(12,2)"`
	CreatedAt time.Time                           `db:"created_at"`
}

func (benchOrder) TableName() string { return "bench_order" }

// The hand-written side: plain structs and pointers.
type rawCustomer struct {
	ID     int64
	Name   string
	Email  string
	Orders []*rawOrder
}

type rawOrder struct {
	ID         int64
	CustomerID int64
	Status     string
	Total      float64
	CreatedAt  time.Time
	Customer   *rawCustomer
}

const benchShopDDL = `
CREATE TABLE bench_customer (id bigint PRIMARY KEY, name text NOT NULL, email text NOT NULL);
CREATE TABLE bench_order (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES bench_customer,
	status text NOT NULL, total numeric(12,2) NOT NULL, created_at timestamptz NOT NULL);
CREATE INDEX ON bench_order (customer_id);
INSERT INTO bench_customer SELECT i, 'customer ' || i, 'c' || i || '@example.com' FROM generate_series(1, 500) i;
INSERT INTO bench_order SELECT i, 1 + i % 500, CASE WHEN i % 3 = 0 THEN 'paid' ELSE 'open' END, (i * 3.17)::numeric(12,2),
	'2024-01-01'::timestamptz + i * interval '1 minute' FROM generate_series(1, 5000) i;
ANALYZE bench_customer; ANALYZE bench_order;`

func benchShop(b *testing.B) (*pgxpool.Pool, *orm.DB) {
	tdb := pgtest.New(b)
	if _, err := tdb.Pool.Exec(context.Background(), benchShopDDL); err != nil {
		b.Fatal(err)
	}
	return tdb.Pool, orm.New(tdb.Pool)
}

// BenchmarkSelectRelated: 500 orders with their customer in one JOIN.
// impl=eager-nopeers switches off result-set recording, so the two eager
// rows measure what peer tracking costs.
func BenchmarkSelectRelated(b *testing.B) {
	ctx := context.Background()
	pool, db := benchShop(b)
	b.Run("impl=pgx", func(b *testing.B) {
		b.ReportAllocs()
		dest := make([]any, 8)
		for b.Loop() {
			rows, err := pool.Query(ctx, `SELECT o.id, o.customer_id, o.status, o.total, o.created_at, c.id, c.name, c.email
				FROM bench_order o JOIN bench_customer c ON c.id = o.customer_id ORDER BY o.id LIMIT 500`)
			if err != nil {
				b.Fatal(err)
			}
			out := make([]*rawOrder, 0, 500)
			for rows.Next() {
				o, c := new(rawOrder), new(rawCustomer)
				dest[0], dest[1], dest[2], dest[3], dest[4] = &o.ID, &o.CustomerID, &o.Status, &o.Total, &o.CreatedAt
				dest[5], dest[6], dest[7] = &c.ID, &c.Name, &c.Email
				if err := rows.Scan(dest...); err != nil {
					b.Fatal(err)
				}
				o.Customer = c
				out = append(out, o)
			}
			if rows.Err() != nil || len(out) != 500 {
				b.Fatal(rows.Err(), len(out))
			}
		}
	})
	eager := func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			out, err := queryset.New[benchOrder](db).SelectRelated("customer").OrderBy("id").Limit(500).All(ctx)
			if err != nil || len(out) != 500 {
				b.Fatal(err, len(out))
			}
		}
	}
	b.Run("impl=eager", eager)
	b.Run("impl=eager-nopeers", func(b *testing.B) {
		defer load.SetPeerTracking(false)()
		eager(b)
	})
}

// BenchmarkPrefetchRelated: 500 customers and their 5,000 orders in two
// statements, the second keyed by one array (= ANY($1)).
func BenchmarkPrefetchRelated(b *testing.B) {
	ctx := context.Background()
	pool, db := benchShop(b)
	b.Run("impl=pgx", func(b *testing.B) {
		b.ReportAllocs()
		dest := make([]any, 5)
		for b.Loop() {
			rows, err := pool.Query(ctx, `SELECT id, name, email FROM bench_customer ORDER BY id`)
			if err != nil {
				b.Fatal(err)
			}
			customers := make([]*rawCustomer, 0, 500)
			byID := make(map[int64]*rawCustomer, 500)
			ids := make([]int64, 0, 500)
			for rows.Next() {
				c := new(rawCustomer)
				if err := rows.Scan(&c.ID, &c.Name, &c.Email); err != nil {
					b.Fatal(err)
				}
				customers = append(customers, c)
				byID[c.ID] = c
				ids = append(ids, c.ID)
			}
			rows, err = pool.Query(ctx, `SELECT id, customer_id, status, total, created_at FROM bench_order WHERE customer_id = ANY($1)`, ids)
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			for rows.Next() {
				o := new(rawOrder)
				dest[0], dest[1], dest[2], dest[3], dest[4] = &o.ID, &o.CustomerID, &o.Status, &o.Total, &o.CreatedAt
				if err := rows.Scan(dest...); err != nil {
					b.Fatal(err)
				}
				c := byID[o.CustomerID]
				o.Customer = c
				c.Orders = append(c.Orders, o)
				n++
			}
			if rows.Err() != nil || n != 5000 || len(customers) != 500 {
				b.Fatal(rows.Err(), n)
			}
		}
	})
	eager := func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			out, err := queryset.New[benchCustomer](db).PrefetchRelated("orders").OrderBy("id").All(ctx)
			if err != nil || len(out) != 500 {
				b.Fatal(err, len(out))
			}
		}
	}
	b.Run("impl=eager", eager)
	b.Run("impl=eager-nopeers", func(b *testing.B) {
		defer load.SetPeerTracking(false)()
		eager(b)
	})
}

// BenchmarkIterStrategies compares the two ways Iter could read chunks on
// the one connection it holds, so that the chunk's prefetch runs on that
// connection too: a cursor in a transaction (what Iter does) or keyset
// pagination (a new SELECT per chunk, after the last key seen). 5,000 orders
// in chunks of 500, each chunk's customers prefetched, ordered by the
// primary key (indexed) and by a column without an index.
func BenchmarkIterStrategies(b *testing.B) {
	ctx := context.Background()
	pool, db := benchShop(b)
	const chunk = 500
	cols := "id, customer_id, status, total, created_at"
	prefetch := func(b *testing.B, conn interface {
		Query(context.Context, string, ...any) (pgx.Rows, error)
	}, ids []int64) {
		rows, err := conn.Query(ctx, "SELECT id, name, email FROM bench_customer WHERE id = ANY($1)", ids)
		if err != nil {
			b.Fatal(err)
		}
		rows.Close()
	}
	read := func(b *testing.B, rows pgx.Rows) (n int, lastID int64, lastTotal float64, customers []int64) {
		for rows.Next() {
			o := new(rawOrder)
			if err := rows.Scan(&o.ID, &o.CustomerID, &o.Status, &o.Total, &o.CreatedAt); err != nil {
				b.Fatal(err)
			}
			n++
			lastID, lastTotal = o.ID, o.Total
			customers = append(customers, o.CustomerID)
		}
		if rows.Err() != nil {
			b.Fatal(rows.Err())
		}
		return n, lastID, lastTotal, customers
	}
	for _, order := range []string{"pk", "unindexed"} {
		orderBy := "id"
		if order == "unindexed" {
			orderBy = "total, id"
		}
		b.Run("order="+order+"/impl=cursor", func(b *testing.B) {
			for b.Loop() {
				conn, err := pool.Acquire(ctx)
				if err != nil {
					b.Fatal(err)
				}
				tx, err := conn.Begin(ctx)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := tx.Exec(ctx, "DECLARE bench_cur NO SCROLL CURSOR FOR SELECT "+cols+" FROM bench_order ORDER BY "+orderBy); err != nil {
					b.Fatal(err)
				}
				total := 0
				for {
					rows, err := tx.Query(ctx, "FETCH FORWARD 500 FROM bench_cur")
					if err != nil {
						b.Fatal(err)
					}
					n, _, _, customers := read(b, rows)
					total += n
					if n > 0 {
						prefetch(b, tx, customers)
					}
					if n < chunk {
						break
					}
				}
				if err := tx.Commit(ctx); err != nil || total != 5000 {
					b.Fatal(err, total)
				}
				conn.Release()
			}
		})
		b.Run("order="+order+"/impl=keyset", func(b *testing.B) {
			for b.Loop() {
				conn, err := pool.Acquire(ctx)
				if err != nil {
					b.Fatal(err)
				}
				total := 0
				var rows pgx.Rows
				var lastID int64
				var lastTotal float64
				for first := true; ; first = false {
					switch {
					case first:
						rows, err = conn.Query(ctx, "SELECT "+cols+" FROM bench_order ORDER BY "+orderBy+" LIMIT 500")
					case order == "pk":
						rows, err = conn.Query(ctx, "SELECT "+cols+" FROM bench_order WHERE id > $1 ORDER BY id LIMIT 500", lastID)
					default:
						rows, err = conn.Query(ctx, "SELECT "+cols+" FROM bench_order WHERE (total, id) > ($1, $2) ORDER BY total, id LIMIT 500", lastTotal, lastID)
					}
					if err != nil {
						b.Fatal(err)
					}
					n, id, tot, customers := read(b, rows)
					lastID, lastTotal = id, tot
					total += n
					if n > 0 {
						prefetch(b, conn, customers)
					}
					if n < chunk {
						break
					}
				}
				if total != 5000 {
					b.Fatal(total)
				}
				conn.Release()
			}
		})
	}
	b.Run("order=pk/impl=eager-Iter", func(b *testing.B) {
		for b.Loop() {
			n := 0
			for _, err := range queryset.New[benchOrder](db).PrefetchRelated("customer").OrderBy("id").IterChunk(chunk).Iter(ctx) {
				if err != nil {
					b.Fatal(err)
				}
				n++
			}
			if n != 5000 {
				b.Fatal(n)
			}
		}
	})
}
