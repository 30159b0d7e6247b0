package orm_test

import (
	"context"
	"testing"

	"github.com/eagerorm/eager/internal/pgtest"
	"github.com/eagerorm/eager/orm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// noopHook is installed but has nothing to do, like a capture hook with no
// capture active.
type noopHook struct{}

func (noopHook) BeforeQuery(ctx context.Context, _ orm.QueryEvent) context.Context { return ctx }
func (noopHook) AfterQuery(context.Context, orm.QueryEvent)                        {}

// An inactive capture, and an installed hook with nothing to do, add no
// allocation to a statement: the allocations of db.Exec are pgx's own.
func TestInactiveCaptureAddsNoAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not comparable under the race detector")
	}
	ctx := context.Background()
	tdb := pgtest.New(t)
	plain := orm.New(tdb.Pool)
	hooked := orm.New(tdb.Pool, orm.WithHook(noopHook{}))
	const sql = "SELECT 1 WHERE $1::int > 0"
	run := func(exec func() error) float64 {
		require.NoError(t, exec()) // warm the statement cache
		return testing.AllocsPerRun(200, func() { _ = exec() })
	}
	pgxAllocs := run(func() error { _, err := tdb.Pool.Exec(ctx, sql, 1); return err })
	eagerAllocs := run(func() error { _, err := plain.Exec(ctx, sql, 1); return err })
	hookedAllocs := run(func() error { _, err := hooked.Exec(ctx, sql, 1); return err })
	assert.Equal(t, pgxAllocs, eagerAllocs, "db.Exec with no capture active allocates what pgx does")
	assert.Equal(t, pgxAllocs, hookedAllocs, "an installed hook with nothing to do adds no allocation")

	// An active capture does allocate (it records), and counts.
	cctx, log := orm.Capture(ctx)
	_, err := plain.Exec(cctx, sql, 1)
	require.NoError(t, err)
	assert.Equal(t, 1, log.Count())
}

func TestCaptureNestsAndRecordsSites(t *testing.T) {
	ctx := context.Background()
	db, _ := newDB(t)
	outer, outerLog := orm.Capture(ctx)
	_, err := db.Exec(outer, "SELECT 1")
	require.NoError(t, err)
	inner, innerLog := orm.Capture(outer)
	require.NoError(t, db.RunInTx(inner, func(ctx context.Context, tx *orm.DB) error {
		_, err := tx.Exec(ctx, "SELECT 2")
		return err
	}))
	assert.Equal(t, 1, innerLog.Count(), "transaction control is not counted")
	assert.Len(t, innerLog.Queries(), 3, "but it is recorded")
	assert.Equal(t, 2, outerLog.Count(), "an enclosing capture sees the inner one's statements")
	q := outerLog.Queries()[0]
	assert.Equal(t, "SELECT 1", q.SQL)
	assert.Contains(t, q.Site, "orm/capture_test.go:")
	_, err = db.Exec(ctx, "SELECT 3")
	require.NoError(t, err)
	assert.Equal(t, 2, outerLog.Count(), "statements without the context are not captured")
}

// BenchmarkStatement: one statement through pgx, through eager, through
// eager with an installed hook with nothing to do. Compare allocs/op.
func BenchmarkStatement(b *testing.B) {
	ctx := context.Background()
	tdb := pgtest.New(b)
	const sql = "SELECT 1 WHERE $1::int > 0"
	plain, hooked := orm.New(tdb.Pool), orm.New(tdb.Pool, orm.WithHook(noopHook{}))
	for _, c := range []struct {
		name string
		exec func() error
	}{
		{"impl=pgx", func() error { _, err := tdb.Pool.Exec(ctx, sql, 1); return err }},
		{"impl=eager", func() error { _, err := plain.Exec(ctx, sql, 1); return err }},
		{"impl=eager-hooked", func() error { _, err := hooked.Exec(ctx, sql, 1); return err }},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := c.exec(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
