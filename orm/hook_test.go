package orm_test

import (
	"context"
	"errors"
	"testing"

	"github.com/eagerorm/eager/internal/pgtest"
	"github.com/eagerorm/eager/orm"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type ctxKey struct{}

// tagging is a hook that puts a value in the context and checks it is the
// context AfterQuery receives.
type tagging struct {
	name  string
	trace *[]string
}

func (h tagging) BeforeQuery(ctx context.Context, ev orm.QueryEvent) context.Context {
	*h.trace = append(*h.trace, "before "+h.name)
	return context.WithValue(ctx, ctxKey{}, h.name)
}

func (h tagging) AfterQuery(ctx context.Context, ev orm.QueryEvent) {
	*h.trace = append(*h.trace, "after "+h.name+" sees "+ctx.Value(ctxKey{}).(string))
}

func TestHookOrderAndContext(t *testing.T) {
	var trace []string
	db := orm.New(pgtest.New(t).Pool, orm.WithHook(tagging{"a", &trace}), orm.WithHook(tagging{"b", &trace}))
	_, err := db.Exec(context.Background(), "SELECT 1")
	require.NoError(t, err)
	assert.Equal(t, []string{"before a", "before b", "after b sees b", "after a sees b"}, trace)
}

func TestHookSeesEveryStatement(t *testing.T) {
	ctx := context.Background()
	db, rec := newDB(t)
	mustExec(t, db, "CREATE TABLE n (v int)")
	rec.reset()

	tag, err := db.Exec(ctx, "INSERT INTO n SELECT generate_series(1, $1::int)", 5)
	require.NoError(t, err)
	assert.EqualValues(t, 5, tag.RowsAffected())

	rows, err := db.Query(ctx, "SELECT v FROM n WHERE v > $1", 2)
	require.NoError(t, err)
	vals, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	require.NoError(t, err)
	assert.Len(t, vals, 3)

	var v int
	require.NoError(t, db.QueryRow(ctx, "SELECT max(v) FROM n").Scan(&v))
	err = db.QueryRow(ctx, "SELECT v FROM n WHERE false").Scan(&v)
	assert.ErrorIs(t, err, pgx.ErrNoRows)

	_, err = db.Exec(ctx, "SELECT * FROM missing_table")
	require.Error(t, err)

	// A query abandoned after one row still reports, once, when closed.
	rows, err = db.Query(ctx, "SELECT v FROM n")
	require.NoError(t, err)
	rows.Next()
	rows.Close()
	rows.Close()

	n, err := db.CopyFrom(ctx, pgx.Identifier{"n"}, []string{"v"}, pgx.CopyFromRows([][]any{{10}, {11}}))
	require.NoError(t, err)
	assert.EqualValues(t, 2, n)

	err = db.RunBatch(ctx, []orm.BatchQuery{
		{SQL: "SELECT count(*) FROM n", Scan: func(r pgx.Rows) error {
			for r.Next() {
				if err := r.Scan(&v); err != nil {
					return err
				}
			}
			return nil
		}},
		{SQL: "UPDATE n SET v = v + 1 WHERE v > $1", Args: []any{100}},
	})
	require.NoError(t, err)
	assert.Equal(t, 7, v)

	rec.mu.Lock()
	defer rec.mu.Unlock()
	evs := rec.events
	require.Len(t, evs, 9)
	assert.EqualValues(t, 5, evs[0].RowsAffected)
	assert.Equal(t, []any{5}, evs[0].Args)
	assert.EqualValues(t, 3, evs[1].RowsAffected, "rows read for a query")
	assert.Equal(t, []any{2}, evs[1].Args)
	assert.EqualValues(t, 1, evs[2].RowsAffected)
	assert.EqualValues(t, 0, evs[3].RowsAffected)
	assert.Error(t, evs[4].Err)
	assert.Contains(t, evs[4].Err.Error(), "missing_table")
	assert.EqualValues(t, 1, evs[5].RowsAffected)
	assert.Equal(t, `COPY "n" ("v") FROM STDIN (FORMAT binary)`, evs[6].SQL)
	assert.EqualValues(t, 2, evs[6].RowsAffected)
	assert.Equal(t, 2, evs[7].Batch)
	assert.Equal(t, 2, evs[8].Batch)
	for _, e := range evs {
		assert.Positive(t, e.Duration, e.SQL)
		assert.False(t, e.Start.IsZero())
		assert.False(t, e.TxControl)
	}
}

func TestBatchError(t *testing.T) {
	ctx := context.Background()
	db, rec := newDB(t)
	err := db.RunBatch(ctx, []orm.BatchQuery{{SQL: "SELECT 1"}, {SQL: "SELECT nope"}, {SQL: "SELECT 2"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "nope")
	assert.Len(t, rec.sqls(), 3, "every queued statement is reported")
	assert.NoError(t, db.RunBatch(ctx, nil))
}

func TestHookFunc(t *testing.T) {
	var got []string
	h := orm.HookFunc(func(_ context.Context, ev orm.QueryEvent) { got = append(got, ev.SQL) })
	db := orm.New(pgtest.New(t).Pool).WithHooks(h)
	_, err := db.Exec(context.Background(), "SELECT 1")
	require.NoError(t, err)
	assert.Equal(t, []string{"SELECT 1"}, got)
	assert.False(t, errors.Is(nil, orm.ErrNoRows))
}
