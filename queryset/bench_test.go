package queryset_test

import (
	"context"
	"testing"
	"time"

	"github.com/eagerorm/eager/internal/pgtest"
	"github.com/eagerorm/eager/orm"
	"github.com/eagerorm/eager/queryset"
)

// benchOrder is the 6-column model with a numeric and a timestamptz.
type benchOrder struct {
	ID         int64     `db:"id" orm:"pk"`
	CustomerID int64     `db:"customer_id"`
	Status     string    `db:"status"`
	Total      float64   `db:"total" orm:"type:numeric(12,2)"`
	CreatedAt  time.Time `db:"created_at"`
	Note       *string   `db:"note"`
}

func (benchOrder) TableName() string { return "bench_orders" }

const benchDDL = `CREATE TABLE bench_orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, status text NOT NULL,
	total numeric(12,2) NOT NULL, created_at timestamptz NOT NULL, note text);
INSERT INTO bench_orders SELECT i, i % 50, CASE WHEN i % 3 = 0 THEN 'paid' ELSE 'open' END, (i * 7.31)::numeric(12,2),
	'2024-01-01'::timestamptz + i * interval '1 hour', CASE WHEN i % 2 = 0 THEN 'note ' || i END
	FROM generate_series(1, 500) i;
ANALYZE bench_orders;`

// BenchmarkReadSlice reads 500 rows of a 6-column model: eager's
// QuerySet.All (built per iteration, as a request would) beside the
// hand-written pgx loop it must keep up with. Compare with benchstat:
//
//	go test ./queryset -run '^$' -bench ReadSlice -count 10 > rs.txt && benchstat -col /impl rs.txt
func BenchmarkReadSlice(b *testing.B) {
	ctx := context.Background()
	tdb := pgtest.New(b)
	if _, err := tdb.Pool.Exec(ctx, benchDDL); err != nil {
		b.Fatal(err)
	}
	db := orm.New(tdb.Pool)
	const query = `SELECT id, customer_id, status, total, created_at, note FROM bench_orders ORDER BY id`

	// The baseline is the best hand-written loop: it reuses its destination
	// slice (rows.Scan(&o.ID, ...) would allocate one per row).
	b.Run("impl=pgx", func(b *testing.B) {
		b.ReportAllocs()
		dest := make([]any, 6)
		for b.Loop() {
			rows, err := tdb.Pool.Query(ctx, query)
			if err != nil {
				b.Fatal(err)
			}
			out := make([]*benchOrder, 0, 16)
			for rows.Next() {
				o := new(benchOrder)
				dest[0], dest[1], dest[2], dest[3], dest[4], dest[5] = &o.ID, &o.CustomerID, &o.Status, &o.Total, &o.CreatedAt, &o.Note
				if err := rows.Scan(dest...); err != nil {
					b.Fatal(err)
				}
				out = append(out, o)
			}
			if rows.Err() != nil || len(out) != 500 {
				b.Fatal(rows.Err(), len(out))
			}
		}
	})
	b.Run("impl=eager", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			out, err := queryset.New[benchOrder](db).OrderBy("id").All(ctx)
			if err != nil || len(out) != 500 {
				b.Fatal(err, len(out))
			}
		}
	})
}
