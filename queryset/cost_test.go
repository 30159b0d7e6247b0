package queryset_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/eagerorm/eager/internal/pgtest"
	. "github.com/eagerorm/eager/internal/testdomain"
	"github.com/eagerorm/eager/orm"
	. "github.com/eagerorm/eager/queryset"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A field path deeper than the DB's limit (orm.DefaultMaxPathDepth
// relations) is an error naming it, returned before anything is sent, in
// every place a path is taken; orm.WithMaxPathDepth raises the limit.
func TestPathDepthLimit(t *testing.T) {
	ctx := context.Background()
	db, c := seeded(t)
	deep := strings.Repeat("mentor__", orm.DefaultMaxPathDepth+1) + "name"                      // 9 relations
	ok := strings.Repeat("mentor__", orm.DefaultMaxPathDepth) + "name"                          // 8
	multi := strings.Repeat("books__author__", (orm.DefaultMaxPathDepth+2)/2) + "name"          // 10, rows multiply
	rels := strings.TrimSuffix(strings.Repeat("mentor__", orm.DefaultMaxPathDepth+1), "__")     // 9
	mentees := strings.TrimSuffix(strings.Repeat("mentees__", orm.DefaultMaxPathDepth+1), "__") // 9
	authors := New[Author](db)
	c.Reset()
	for name, run := range map[string]func() error{
		"Filter": func() error { _, err := authors.Filter(Q{deep: "Ann"}).All(ctx); return err },
		"Filter, nested": func() error {
			_, err := authors.Filter(Or(Q{"id": 1}, Not(Q{deep + "__isnull": true}))).Count(ctx)
			return err
		},
		"Exclude, multi": func() error { _, err := authors.Exclude(Q{multi: "Ann"}).All(ctx); return err },
		"F() value":      func() error { _, err := authors.Filter(Q{"name": F(deep)}).All(ctx); return err },
		"Get":            func() error { _, err := authors.Get(ctx, Q{deep: "x"}); return err },
		"OrderBy":        func() error { _, err := authors.OrderBy("-" + deep).All(ctx); return err },
		"Values":         func() error { _, err := Values(ctx, authors, "name", multi); return err },
		"ValuesList":     func() error { _, err := ValuesList[string](ctx, authors, deep); return err },
		"GroupBy":        func() error { _, err := authors.GroupBy(multi).Annotate(Count("*")).Values(ctx); return err },
		"Aggregate":      func() error { _, err := Aggregate(ctx, authors, Max(deep)); return err },
		"Aggregate filter": func() error {
			_, err := Aggregate(ctx, authors, Count("*").Filter(Q{deep: "Ann"}))
			return err
		},
		"Update F()":      func() error { _, err := authors.Update(ctx, map[string]any{"name": F(deep)}); return err },
		"SelectRelated":   func() error { _, err := authors.SelectRelated(rels).All(ctx); return err },
		"PrefetchRelated": func() error { _, err := authors.PrefetchRelated(mentees).All(ctx); return err },
		"Prefetch": func() error {
			_, err := authors.PrefetchRelated(Prefetch(mentees, New[Author](db))).All(ctx)
			return err
		},
	} {
		err := run()
		var fe *orm.FieldError
		require.ErrorAs(t, err, &fe, name)
		assert.Equal(t, "Author", fe.Model, name)
		assert.Contains(t, err.Error(), "orm.WithMaxPathDepth", name)
		assert.Contains(t, err.Error(), "more than the limit of 8", name)
	}
	assert.Equal(t, 0, c.N(), "nothing is sent")

	rows, err := Values(ctx, authors.Filter(Q{ok + "__isnull": true}).OrderBy(ok), "name", ok)
	require.NoError(t, err, "8 relations are within the limit")
	assert.Len(t, rows, 3)

	raised := orm.New(pgtest.New(t).Pool, orm.WithMaxPathDepth(2*orm.DefaultMaxPathDepth))
	assert.Equal(t, 16, raised.MaxPathDepth())
	_, err = raised.Exec(ctx, SchemaDDL+SeedSQL)
	require.NoError(t, err)
	rows, err = Values(ctx, New[Author](raised).OrderBy("id"), "name", deep)
	require.NoError(t, err, "a raised limit")
	assert.Equal(t, map[string]any{"name": "Ann", deep: nil}, rows[0])
}

// A QuerySet's WithStatementTimeout overrides the DB's statement timeout for
// its statements, both ways.
func TestQuerySetStatementTimeout(t *testing.T) {
	tdb := pgtest.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := tdb.Pool.Exec(ctx, `CREATE VIEW sleepy AS SELECT 1::bigint AS id, pg_sleep(0.5)::text AS nap`)
	require.NoError(t, err)
	bounded := orm.New(tdb.Pool, orm.WithStatementTimeout(100*time.Millisecond))
	free := orm.New(tdb.Pool)

	_, err = New[Sleepy](bounded).All(ctx)
	assert.ErrorIs(t, err, orm.ErrStatementTimeout, "the DB's bound")
	assert.ErrorContains(t, err, "timed out after 100ms")
	rows, err := New[Sleepy](bounded).WithStatementTimeout(10 * time.Second).All(ctx)
	require.NoError(t, err, "a longer bound for one QuerySet")
	assert.Len(t, rows, 1)
	_, err = New[Sleepy](bounded).WithStatementTimeout(0).Count(ctx)
	require.NoError(t, err, "no bound for one QuerySet")
	_, err = New[Sleepy](free).WithStatementTimeout(100 * time.Millisecond).Count(ctx)
	assert.ErrorIs(t, err, orm.ErrStatementTimeout, "a bound on a DB without one")
	_, err = Values(ctx, New[Sleepy](free).WithStatementTimeout(100*time.Millisecond), "id")
	assert.ErrorIs(t, err, orm.ErrStatementTimeout)
	_, err = New[Sleepy](free).WithStatementTimeout(-time.Second).All(ctx)
	assert.ErrorContains(t, err, "negative timeout")
}

type Sleepy struct {
	ID  int64  `db:"id" orm:"pk"`
	Nap string `db:"nap"`
}

func (Sleepy) TableName() string { return "sleepy" }
