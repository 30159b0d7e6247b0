package queryset_test

import (
	"context"
	"testing"

	"github.com/eagerorm/eager/internal/pgtest"
	"github.com/eagerorm/eager/orm"
	. "github.com/eagerorm/eager/queryset"
	"github.com/eagerorm/eager/relations"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Odd's table and columns hold question marks, which squirrel's placeholder
// pass would read as parameters if an identifier ever went through it.
type Odd struct {
	ID    int64                   `db:"id" orm:"pk"`
	What  string                  `db:"what?"`
	Two   int32                   `db:"a??b"`
	Notes relations.Many[OddNote] `orm:"reverse:Odd"`
}

func (Odd) TableName() string { return "odd?" }

type OddNote struct {
	ID  int64                     `db:"id" orm:"pk"`
	Odd relations.ForeignKey[Odd] `db:"odd?id"`
	Say string                    `db:"say?"`
}

// Identifiers never pass through placeholder rewriting: a column named
// what?, a table named odd?, an aggregate alias "?" are sent as written,
// through select, filter, order, values, aggregate, update and prefetch.
func TestQuestionMarksInIdentifiers(t *testing.T) {
	ctx := context.Background()
	tdb := pgtest.New(t)
	db := orm.New(tdb.Pool)
	_, err := db.Exec(ctx, `CREATE TABLE "odd?" (id bigint PRIMARY KEY, "what?" text NOT NULL, "a??b" integer NOT NULL);
		CREATE TABLE "odd_note" (id bigint PRIMARY KEY, "odd?id" bigint NOT NULL REFERENCES "odd?", "say?" text NOT NULL)`)
	require.NoError(t, err)
	for i, w := range []string{"b?", "a?", "c"} {
		require.NoError(t, orm.Insert(ctx, db, &Odd{ID: int64(i + 1), What: w, Two: int32(i)}))
	}
	note := &OddNote{ID: 1, Say: "hi?"}
	note.Odd.SetID(int64(2))
	require.NoError(t, orm.Insert(ctx, db, note))
	odds := New[Odd](db)

	rows, err := odds.Filter(Q{"what__contains": "?", "two__gte": F("id").Sub(5)}).OrderBy("-what").All(ctx)
	require.NoError(t, err, "select, filter, order")
	require.Len(t, rows, 2)
	assert.Equal(t, []string{"b?", "a?"}, []string{rows[0].What, rows[1].What})

	vals, err := Values(ctx, odds.OrderBy("what"), "what", "two")
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"what": "a?", "two": int32(1)}, vals[0])
	whats, err := ValuesList[string](ctx, odds.OrderBy("id"), "what")
	require.NoError(t, err)
	assert.Equal(t, []string{"b?", "a?", "c"}, whats)

	agg, err := Aggregate(ctx, odds, Count("what").As("?"), Max("two").As("??"))
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"?": int64(3), "??": int32(2)}, agg)
	groups, err := odds.GroupBy("what").Annotate(Count("*").As("?")).Having(Q{"?__gte": 1}).OrderBy("-?", "what").Limit(1).Values(ctx)
	require.NoError(t, err)
	assert.Equal(t, []map[string]any{{"what": "a?", "?": int64(1)}}, groups)

	n, err := odds.Filter(Q{"what": "c"}).Update(ctx, map[string]any{"what": "d?", "two": F("two").Add(10)})
	require.NoError(t, err, "update")
	assert.EqualValues(t, 1, n)
	d, err := odds.Get(ctx, Q{"what": "d?"})
	require.NoError(t, err)
	assert.Equal(t, int32(12), d.Two)

	withNotes, err := odds.Filter(Q{"notes__say": "hi?"}).PrefetchRelated("notes").All(ctx)
	require.NoError(t, err, "EXISTS and prefetch")
	require.Len(t, withNotes, 1)
	got, err := withNotes[0].Notes.All(ctx)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, "hi?", got[0].Say)
	perParent, err := odds.PrefetchRelated(Prefetch("notes", New[OddNote](db).OrderBy("-say").Limit(1))).Filter(Q{"id": 2}).All(ctx)
	require.NoError(t, err, "per-parent prefetch")
	got, err = perParent[0].Notes.All(ctx)
	require.NoError(t, err)
	assert.Len(t, got, 1)
	cnt, err := odds.Filter(Q{"what__endswith": "?"}).Distinct().Count(ctx)
	require.NoError(t, err, "count")
	assert.EqualValues(t, 3, cnt)
	ok, err := odds.Filter(Q{"what": "a?"}).Exists(ctx)
	require.NoError(t, err, "exists")
	assert.True(t, ok)
	notes, err := New[OddNote](db).SelectRelated("odd").Filter(Q{"odd__what": "a?"}).All(ctx)
	require.NoError(t, err, "join")
	require.Len(t, notes, 1)
	n, err = New[OddNote](db).Filter(Q{"odd__what": "a?"}).Delete(ctx)
	require.NoError(t, err, "delete with a join")
	assert.EqualValues(t, 1, n)

	// Relation writes: UPDATE ... WHERE "odd?id" = $1 AND "id" = ANY($2).
	note2 := &OddNote{ID: 2, Say: "yo?"}
	note2.Odd.SetID(int64(1))
	require.NoError(t, orm.Insert(ctx, db, note2))
	first, err := odds.Get(ctx, Q{"id": 2})
	require.NoError(t, err)
	require.NoError(t, first.Notes.Add(ctx, note2), "relation add")
	moved, err := New[OddNote](db).Filter(Q{"odd": 2}).Count(ctx)
	require.NoError(t, err)
	assert.EqualValues(t, 1, moved)
}
