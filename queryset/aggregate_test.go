package queryset_test

import (
	"context"
	"testing"

	. "github.com/eagerorm/eager/internal/testdomain"
	. "github.com/eagerorm/eager/queryset"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValues(t *testing.T) {
	ctx := context.Background()
	db, c := seeded(t)
	c.Reset()
	rows, err := Values(ctx, New[Book](db).Filter(Q{"genre": "novel"}).OrderBy("id"), "title", "rating", "author__name", "publisher", "price")
	require.NoError(t, err)
	assert.Equal(t, []map[string]any{
		{"title": "Alpha", "rating": int32(5), "author__name": "Ann", "publisher": int64(1), "price": "10.00"},
		{"title": "Gamma 50%_", "rating": int32(3), "author__name": "Bob", "publisher": nil, "price": "7.25"},
	}, rows)
	assert.Equal(t, 1, c.N())

	all, err := Values(ctx, New[Author](db).OrderBy("id"))
	require.NoError(t, err)
	require.Len(t, all, 3)
	assert.Equal(t, map[string]any{"id": int64(2), "name": "Bob", "email": nil, "mentor": int64(1)}, all[1])

	titles, err := ValuesList[string](ctx, New[Book](db).Filter(Q{"tags__name": "blue"}).OrderBy("title"), "title")
	require.NoError(t, err)
	assert.Equal(t, []string{"Alpha", "delta"}, titles)

	ratings, err := ValuesList[*int32](ctx, New[Book](db).OrderBy("id"), "rating")
	require.NoError(t, err)
	require.Len(t, ratings, 4)
	assert.Nil(t, ratings[1])
	assert.Equal(t, int32(5), *ratings[0])

	// One map per related row across a multi-valued path, as in Django.
	pairs, err := Values(ctx, New[Book](db).OrderBy("id"), "id", "tags__name")
	require.NoError(t, err)
	assert.Len(t, pairs, 5) // 1 red, 1 blue, 2 red, 3 none, 4 blue

	c.Reset()
	empty, err := Values(ctx, New[Book](db).Filter(Q{"id__in": []int{}}), "title")
	require.NoError(t, err)
	assert.Empty(t, empty)
	assert.Equal(t, 0, c.N())

	_, err = Values(ctx, New[Book](db), "nope")
	assert.ErrorContains(t, err, `cannot resolve "nope"`)
}

func TestAggregation(t *testing.T) {
	ctx := context.Background()
	db, c := seeded(t)

	t.Run("aggregate", func(t *testing.T) {
		c.Reset()
		res, err := Aggregate(ctx, New[Book](db), Count("*"), Sum("pages"), Avg("rating"), Min("published"), Max("price"),
			Count("rating"), Count("id").Filter(Q{"genre": "novel"}).As("novels"))
		require.NoError(t, err)
		assert.Equal(t, 1, c.N())
		assert.Equal(t, int64(4), res["count"])
		assert.Equal(t, int64(700), res["pages__sum"])
		assert.Equal(t, 3.0, res["rating__avg"])
		assert.Equal(t, "99.99", res["price__max"])
		assert.Equal(t, int64(3), res["rating__count"], "Count(field) skips NULL")
		assert.Equal(t, int64(2), res["novels"], "Count with a filter: FILTER (WHERE ...)")
		assert.Equal(t, 2005, res["published__min"].(interface{ Year() int }).Year())

		res, err = Aggregate(ctx, New[Book](db).Filter(Q{"pages__gt": 1000}), Count("*"), Sum("pages"))
		require.NoError(t, err)
		assert.Equal(t, int64(0), res["count"])
		assert.Nil(t, res["pages__sum"], "SUM over no rows is NULL")

		res, err = Aggregate(ctx, New[Book](db).OrderBy("id").Limit(2), Sum("pages"))
		require.NoError(t, err)
		assert.Equal(t, int64(350), res["pages__sum"], "over a sliced QuerySet: its own rows")

		_, err = Aggregate(ctx, New[Book](db), Sum("title"))
		assert.ErrorContains(t, err, "SUM needs a numeric field")
	})

	t.Run("the dashboard: count per group in one expression", func(t *testing.T) {
		c.Reset()
		rows, err := New[Book](db).GroupBy("genre").Annotate(Count("id").As("count")).OrderBy("-count", "genre").Values(ctx)
		require.NoError(t, err)
		assert.Equal(t, []map[string]any{
			{"genre": "novel", "count": int64(2)},
			{"genre": "poetry", "count": int64(1)}, // an enum sorts in declaration order
			{"genre": "essay", "count": int64(1)},
		}, rows)
		assert.Equal(t, 1, c.N())
	})

	t.Run("annotate across a reverse FK counts per parent", func(t *testing.T) {
		rows, err := New[Author](db).GroupBy("name").Annotate(Count("books"),
			Count("books").Filter(Q{"books__genre": "novel"}).As("novels")).OrderBy("name").Values(ctx)
		require.NoError(t, err)
		assert.Equal(t, []map[string]any{
			{"name": "Ann", "books__count": int64(2), "novels": int64(1)},
			{"name": "Bob", "books__count": int64(2), "novels": int64(1)},
			{"name": "Cy", "books__count": int64(0), "novels": int64(0)},
		}, rows)
	})

	t.Run("having", func(t *testing.T) {
		rows, err := New[Author](db).GroupBy("name").Annotate(Sum("books__pages").As("pages")).
			Having(Q{"pages__gte": 350}).OrderBy("name").Values(ctx)
		require.NoError(t, err)
		assert.Equal(t, []map[string]any{{"name": "Ann", "pages": int64(350)}, {"name": "Bob", "pages": int64(350)}}, rows)
		rows, err = New[Author](db).GroupBy("name").Annotate(Count("books").As("n")).
			Having(Or(Q{"n": 0}, Not(Q{"n__lt": 2}))).OrderBy("name").Values(ctx)
		require.NoError(t, err)
		assert.Len(t, rows, 3)
		_, err = New[Author](db).GroupBy("name").Annotate(Count("books").As("n")).Having(Q{"x__gt": 1}).Values(ctx)
		assert.ErrorContains(t, err, "Having refers to aggregate aliases")
	})

	t.Run("having takes Filter's walk: an empty Q is ignored, nil is IS NULL, the lookups fit the result", func(t *testing.T) {
		byName := New[Author](db).GroupBy("name").Annotate(Sum("books__pages").As("pages"), Max("books__title").As("last"))
		names := func(g Grouped[Author]) []string {
			t.Helper()
			c.Reset()
			rows, err := g.OrderBy("name").Values(ctx)
			require.NoError(t, err)
			assert.Equal(t, 1, c.N())
			out := []string{}
			for _, r := range rows {
				out = append(out, r["name"].(string))
			}
			return out
		}
		all := []string{"Ann", "Bob", "Cy"}
		assert.Equal(t, all, names(byName.Having(Not(Q{}))), "Having(Not(Q{})) keeps every group, as Filter(Not(Q{})) keeps every row")
		assert.Equal(t, all, names(byName.Having(Or(Not(Q{}), Q{}))))
		assert.Equal(t, []string{"Cy"}, names(byName.Having(Or(Q{}, Q{"pages": nil}))), "Or(Q{}, q) is q; nil is IS NULL")
		assert.Equal(t, []string{"Ann", "Bob"}, names(byName.Having(Not(Q{"pages": nil}))))
		assert.Equal(t, []string{"Cy"}, names(byName.Having(Not(Q{"pages__gte": 350}))),
			"Exclude's guard: a NULL sum stays under Not, as a NULL column does")
		assert.Equal(t, []string{"Ann"}, names(byName.Having(Q{"last__iexact": "BETA"})), "a text lookup on a text result")
		sql, _, err := byName.Having(Not(Q{})).SQL()
		require.NoError(t, err)
		assert.NotContains(t, sql, "HAVING")

		_, err = byName.Having(Q{"pages__contains": "3"}).Values(ctx)
		assert.ErrorContains(t, err, `unsupported lookup "contains"`)
		_, err = byName.Having(Q{"pages__gt": F("pages")}).Values(ctx)
		assert.ErrorContains(t, err, "not an F() expression")
	})

	t.Run("two joined counts inflate each other unless distinct", func(t *testing.T) {
		rows, err := New[Book](db).Filter(Q{"pk": 1}).GroupBy("id").
			Annotate(Count("tags").As("tags"), Count("reviews").As("reviews")).Values(ctx)
		require.NoError(t, err)
		assert.Equal(t, int64(4), rows[0]["tags"], "2 tags x 2 reviews")
		rows, err = New[Book](db).Filter(Q{"pk": 1}).GroupBy("id").
			Annotate(Count("tags").Distinct().As("tags"), Count("reviews").Distinct().As("reviews")).Values(ctx)
		require.NoError(t, err)
		assert.Equal(t, int64(2), rows[0]["tags"])
		assert.Equal(t, int64(2), rows[0]["reviews"])
	})

	t.Run("group across many-to-many", func(t *testing.T) {
		rows, err := New[Book](db).Filter(Q{"tags__isnull": false}).GroupBy("tags__name").
			Annotate(Sum("pages")).OrderBy("tags__name").Values(ctx)
		require.NoError(t, err)
		assert.Equal(t, []map[string]any{
			{"tags__name": "blue", "pages__sum": int64(150)},
			{"tags__name": "red", "pages__sum": int64(350)},
		}, rows)
	})
}
