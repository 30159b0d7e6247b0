package queryset_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/eagerorm/eager/internal/schema"
	. "github.com/eagerorm/eager/internal/testdomain"
	"github.com/eagerorm/eager/orm"
	. "github.com/eagerorm/eager/queryset"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ids runs qs and returns the primary keys it found, asserting that exactly
// the expected number of statements reached the server.
func ids[T any](t *testing.T, c *counter, qs QuerySet[T], statements int) []int64 {
	t.Helper()
	c.Reset()
	rows, err := qs.All(context.Background())
	require.NoError(t, err)
	out := make([]int64, 0, len(rows))
	m, err := schema.For[T]()
	require.NoError(t, err)
	for _, r := range rows {
		out = append(out, m.PK.Value(ptrOf(r)).(int64))
	}
	slices.Sort(out)
	assert.Equal(t, statements, c.N(), "statements sent")
	return out
}

func TestLaziness(t *testing.T) {
	ctx := context.Background()
	db, c := seeded(t)
	c.Reset()
	qs := New[Book](db).Filter(Q{"genre": "novel"}).Exclude(Q{"rating": nil}).OrderBy("-pages").Limit(10)
	_ = qs.Filter(Q{"pages": 1}) // an error kept on a derived value, not on qs
	_, _, err := qs.SQL()
	require.NoError(t, err)
	assert.Equal(t, 0, c.N(), "building, chaining and SQL() run nothing")

	assert.Equal(t, []int64{1, 3}, ids(t, c, qs, 1))

	t.Run("immutable", func(t *testing.T) {
		base := New[Book](db).Filter(Q{"genre": "novel"})
		narrowed := base.Filter(Q{"pages__gt": 200})
		other := base.Filter(Q{"pages__lt": 200})
		assert.Equal(t, []int64{1, 3}, ids(t, c, base, 1))
		assert.Equal(t, []int64{3}, ids(t, c, narrowed, 1))
		assert.Equal(t, []int64{1}, ids(t, c, other, 1))
	})

	t.Run("slicing", func(t *testing.T) {
		ordered := New[Book](db).OrderBy("id")
		assert.Equal(t, []int64{2, 3}, ids(t, c, ordered.Limit(2).Offset(1), 1))
		first, err := ordered.First(ctx)
		require.NoError(t, err)
		assert.Equal(t, int64(1), first.ID)
		last, err := ordered.Last(ctx)
		require.NoError(t, err)
		assert.Equal(t, int64(4), last.ID)
		byPages, err := New[Book](db).OrderBy("-pages").First(ctx)
		require.NoError(t, err)
		assert.Equal(t, "Gamma 50%_", byPages.Title)

		c.Reset()
		_, err = ordered.Limit(2).Filter(Q{"genre": "novel"}).All(ctx)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "cannot filter Book after Limit or Offset")
		_, err = ordered.Limit(2).OrderBy("pages").All(ctx)
		assert.ErrorContains(t, err, "cannot reorder")
		_, err = ordered.Limit(2).Last(ctx)
		assert.ErrorContains(t, err, "cannot reverse")
		assert.Equal(t, 0, c.N(), "a chain error sends nothing")
		assert.Empty(t, ids(t, c, ordered.Limit(0), 0), "Limit(0) runs no query")
	})

	t.Run("count and exists", func(t *testing.T) {
		c.Reset()
		n, err := New[Book](db).Filter(Q{"genre": "novel"}).Count(ctx)
		require.NoError(t, err)
		assert.EqualValues(t, 2, n)
		assert.True(t, strings.HasPrefix(c.SQLs()[0], "SELECT COUNT(*) FROM"), c.SQLs()[0])
		n, err = New[Book](db).OrderBy("id").Offset(1).Limit(2).Count(ctx)
		require.NoError(t, err)
		assert.EqualValues(t, 2, n)
		assert.Contains(t, c.SQLs()[1], "FROM (SELECT", "count over a sliced set uses a subquery")
		n, err = New[Book](db).Offset(3).Count(ctx)
		require.NoError(t, err)
		assert.EqualValues(t, 1, n)
		ok, err := New[Book](db).Filter(Q{"genre": "essay"}).Exists(ctx)
		require.NoError(t, err)
		assert.True(t, ok)
		assert.True(t, strings.HasPrefix(c.SQLs()[3], "SELECT 1 FROM") && strings.HasSuffix(c.SQLs()[3], "LIMIT 1"), c.SQLs()[3])
		ok, err = New[Book](db).Filter(Q{"genre": "essay", "pages__gt": 1000}).Exists(ctx)
		require.NoError(t, err)
		assert.False(t, ok)
		assert.Equal(t, 5, c.N())
	})

	t.Run("iter streams and stops", func(t *testing.T) {
		c.Reset()
		var got []int64
		for b, err := range New[Book](db).OrderBy("id").Iter(ctx) {
			require.NoError(t, err)
			got = append(got, b.ID)
			if len(got) == 2 {
				break
			}
		}
		assert.Equal(t, []int64{1, 2}, got)
		assert.Equal(t, 2, c.N(), "DECLARE and one FETCH: %q", c.SQLs())
		// The connection is usable again: breaking out ended the cursor's transaction.
		n, err := New[Book](db).Count(ctx)
		require.NoError(t, err)
		assert.EqualValues(t, 4, n)
	})
}

func TestFilterExcludeQ(t *testing.T) {
	db, c := seeded(t)
	books := New[Book](db)
	cases := []struct {
		name string
		qs   QuerySet[Book]
		want []int64
	}{
		{"filter(a, b) is AND", books.Filter(Q{"genre": "novel", "author": 1}), []int64{1}},
		{"Or", books.Filter(Or(Q{"genre": "poetry"}, Q{"pages__lt": 100})), []int64{2, 4}},
		{"Not", books.Filter(Not(Q{"genre": "novel"})), []int64{2, 4}},
		{"empty Q is ignored", books.Filter(Q{}), []int64{1, 2, 3, 4}},
		{"exclude on nullable keeps NULL", books.Exclude(Q{"rating": 5}), []int64{2, 3, 4}},
		{"exclude on NOT NULL column", books.Exclude(Q{"pages": 100}), []int64{2, 3, 4}},
		{"exclude(x=nil) removes NULL", books.Exclude(Q{"rating": nil}), []int64{1, 3, 4}},
		{"filter(x=nil) is IS NULL", books.Filter(Q{"rating": nil}), []int64{2}},
		{"isnull=true", books.Filter(Q{"rating__isnull": true}), []int64{2}},
		{"isnull=false", books.Filter(Q{"rating__isnull": false}), []int64{1, 3, 4}},
		{"in with nil ignores nil", books.Filter(Q{"rating__in": []any{5, nil}}), []int64{1}},
		{"exclude(a, b) is NOT (a AND b)", books.Exclude(Q{"genre": "novel", "author": 1}), []int64{2, 3, 4}},
		{"F compares two columns", books.Filter(Q{"pages__gt": F("rating").Mul(10)}), []int64{1, 3, 4}},
		{"exclude F keeps NULL", books.Exclude(Q{"pages__gt": F("rating").Mul(10)}), []int64{2}},
		{"Not inside Filter is Exclude", books.Filter(Not(Q{"rating": 5})), []int64{2, 3, 4}},
		{"double negation", books.Filter(Not(Not(Q{"rating": 5}))), []int64{1}},
		{"And/Or/Not nest", books.Filter(And(Q{"pages__gte": 100}, Or(Q{"genre": "poetry"}, Not(Q{"rating__gte": 4})))), []int64{2, 3}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, ids(t, c, tc.qs, 1))
		})
	}
	t.Run("in=[] runs no query and exclude(in=[]) excludes nothing", func(t *testing.T) {
		assert.Empty(t, ids(t, c, books.Filter(Q{"id__in": []int64{}}), 0))
		assert.Empty(t, ids(t, c, books.Filter(Q{"id__in": []any{nil}}), 0))
		assert.Empty(t, ids(t, c, books.Filter(Q{"genre": "novel"}, Q{"id__in": []int{}}), 0))
		assert.Equal(t, []int64{1, 2, 3, 4}, ids(t, c, books.Exclude(Q{"id__in": []int64{}}), 1))
		assert.Equal(t, []int64{1, 2, 3, 4}, ids(t, c, books.Filter(Or(Q{"id__in": []int{}}, Q{"pages__gt": 0})), 1))
		n, err := books.Filter(Q{"id__in": []int{}}).Count(context.Background())
		require.NoError(t, err)
		assert.Zero(t, n)
	})
	t.Run("exclude is the exact complement of filter", func(t *testing.T) {
		qs := []Node{
			Q{"rating": 5}, Q{"rating__lt": 4}, Q{"publisher__name": "P1"}, Q{"publisher__country__name": "France"},
			Q{"reviews__stars": 4, "reviews__body": "good"}, Q{"tags__name": "red"}, Q{"pages__gt": F("rating").Mul(10)},
			Or(Q{"rating": 5}, Q{"publisher__name": "P2"}), Q{"title__icontains": "A", "rating__gte": 3},
		}
		for _, q := range qs {
			in := ids(t, c, books.Filter(q), 1)
			out := ids(t, c, books.Exclude(q), 1)
			all := append(append([]int64{}, in...), out...)
			slices.Sort(all)
			assert.Equal(t, []int64{1, 2, 3, 4}, all, "Filter %v = %v, Exclude = %v", q, in, out)
		}
	})
}

func TestMultiValuedRelations(t *testing.T) {
	db, c := seeded(t)
	books := New[Book](db)
	authors := New[Author](db)
	cases := []struct {
		name string
		got  func() []int64
		want []int64
	}{
		{"parents are not duplicated", func() []int64 { return ids(t, c, books.Filter(Q{"reviews__stars__gte": 4}), 1) }, []int64{1, 4}},
		{"one Filter call: same related row", func() []int64 {
			return ids(t, c, books.Filter(Q{"reviews__stars__gte": 4, "reviews__body": "awful"}), 1)
		}, []int64{}},
		{"chained Filter calls: any related rows", func() []int64 {
			return ids(t, c, books.Filter(Q{"reviews__stars__gte": 4}).Filter(Q{"reviews__body": "awful"}), 1)
		}, []int64{1}},
		{"exclude is NOT EXISTS", func() []int64 { return ids(t, c, books.Exclude(Q{"reviews__posted__year": 2006}), 1) }, []int64{3, 4}},
		{"reverse isnull=true", func() []int64 { return ids(t, c, authors.Filter(Q{"books__isnull": true}), 1) }, []int64{3}},
		{"reverse isnull=false", func() []int64 { return ids(t, c, authors.Filter(Q{"books__isnull": false}), 1) }, []int64{1, 2}},
		// eager differs from Django here on purpose: Exclude needs the same
		// related row, as Filter does. Django's exclude would also drop book 1
		// (a 5-star review and an "awful" one, but not the same review).
		{"exclude with two conditions: same row", func() []int64 {
			return ids(t, c, books.Exclude(Q{"reviews__stars": 5, "reviews__body": "awful"}), 1)
		}, []int64{1, 2, 3, 4}},
		{"m2m filter", func() []int64 { return ids(t, c, books.Filter(Q{"tags__name": "red"}), 1) }, []int64{1, 2}},
		{"m2m exclude", func() []int64 { return ids(t, c, books.Exclude(Q{"tags__name": "red"}), 1) }, []int64{3, 4}},
		{"m2m by object", func() []int64 { return ids(t, c, books.Filter(Q{"tags": &Tag{ID: 2}}), 1) }, []int64{1, 4}},
		{"m2m in keys", func() []int64 { return ids(t, c, books.Filter(Q{"tags__in": []int64{2, 3}}), 1) }, []int64{1, 4}},
		{"m2m isnull", func() []int64 { return ids(t, c, books.Filter(Q{"tags__isnull": true}), 1) }, []int64{3}},
		{"nested multi-valued", func() []int64 { return ids(t, c, authors.Filter(Q{"books__reviews__stars": 1}), 1) }, []int64{1}},
		{"nested: same book", func() []int64 {
			return ids(t, c, authors.Filter(Q{"books__reviews__stars": 4, "books__genre": "novel"}), 1)
		}, []int64{}},
		{"multi then to-one", func() []int64 { return ids(t, c, authors.Filter(Q{"books__publisher__name": "P2"}), 1) }, []int64{1}},
		{"Or of two relations", func() []int64 {
			return ids(t, c, books.Filter(Or(Q{"tags__name": "blue"}, Q{"reviews__stars": 3})), 1)
		}, []int64{1, 2, 4}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { assert.Equal(t, tc.want, tc.got()) })
	}
}

func TestToOneJoins(t *testing.T) {
	db, c := seeded(t)
	books := New[Book](db)
	cases := []struct {
		name    string
		qs      QuerySet[Book]
		want    []int64
		sqlHas  string
		sqlNone string
	}{
		{"nullable FK filter is INNER", books.Filter(Q{"publisher__name": "P1"}), []int64{1, 4}, "INNER JOIN", "LEFT"},
		{"isnull across relation is LEFT", books.Filter(Q{"publisher__country__isnull": true}), []int64{2, 3}, "LEFT JOIN", ""},
		{"OR across nullable is LEFT", books.Filter(Or(Q{"publisher__name": "P1"}, Q{"title": "Gamma 50%_"})), []int64{1, 3, 4}, "LEFT JOIN", ""},
		{"exclude across relation keeps rows without one", books.Exclude(Q{"publisher__name": "P2"}), []int64{1, 3, 4}, "LEFT JOIN", ""},
		{"two hops", books.Filter(Q{"publisher__country__name": "France"}), []int64{1, 4}, "INNER JOIN \"country\"", ""},
		{"FK key", books.Filter(Q{"author": 1}), []int64{1, 2}, "", "JOIN"},
		{"FK object", books.Filter(Q{"author": &Author{ID: 1}}), []int64{1, 2}, "", "JOIN"},
		{"FK __pk", books.Filter(Q{"author__pk": 1}), []int64{1, 2}, "", "JOIN"},
		{"FK __id", books.Filter(Q{"author__id": 1}), []int64{1, 2}, "", "JOIN"},
		{"order by related field", books.OrderBy("author__name", "-pages"), []int64{1, 2, 3, 4}, "INNER JOIN", ""},
		{"order by nullable related keeps all rows", books.OrderBy("publisher__name"), []int64{1, 2, 3, 4}, "LEFT JOIN", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, ids(t, c, tc.qs, 1))
			sql, _, err := tc.qs.SQL()
			require.NoError(t, err)
			if tc.sqlHas != "" {
				assert.Contains(t, sql, tc.sqlHas)
			}
			if tc.sqlNone != "" {
				assert.NotContains(t, sql, tc.sqlNone)
			}
		})
	}
	t.Run("order", func(t *testing.T) {
		rows, err := books.OrderBy("author__name", "-pages").All(context.Background())
		require.NoError(t, err)
		var got []int64
		for _, b := range rows {
			got = append(got, b.ID)
		}
		assert.Equal(t, []int64{2, 1, 3, 4}, got)
		rows, err = books.OrderBy("pages").OrderBy("-id").All(context.Background())
		require.NoError(t, err)
		assert.Equal(t, int64(4), rows[0].ID, "a second OrderBy replaces the first")
	})
}

func TestLookups(t *testing.T) {
	db, c := seeded(t)
	books := New[Book](db)
	y2005 := time.Date(2005, 3, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		q    Q
		want []int64
	}{
		{Q{"title__iexact": "ALPHA"}, []int64{1}},
		{Q{"title__contains": "lph"}, []int64{1}},
		{Q{"title__contains": "50%_"}, []int64{3}},
		{Q{"title__contains": "%"}, []int64{3}},
		{Q{"title__contains": "_"}, []int64{3}},
		{Q{"title__icontains": "A"}, []int64{1, 2, 3, 4}},
		{Q{"title__startswith": "D"}, []int64{}},
		{Q{"title__istartswith": "D"}, []int64{4}},
		{Q{"title__endswith": "%_"}, []int64{3}},
		{Q{"title__iendswith": "TA"}, []int64{2, 4}},
		{Q{"title__regex": "^[AB]"}, []int64{1, 2}},
		{Q{"title__iregex": "^d"}, []int64{4}},
		{Q{"pages__range": []int{100, 250}}, []int64{1, 2}},
		{Q{"pages__in": []int32{50, 300}}, []int64{3, 4}},
		{Q{"pages__gt": 100}, []int64{2, 3}},
		{Q{"pages__gte": 100}, []int64{1, 2, 3}},
		{Q{"pages__lt": 100}, []int64{4}},
		{Q{"pages__lte": 100}, []int64{1, 4}},
		{Q{"price__gte": "25.50"}, []int64{2, 4}},
		{Q{"price__lt": 10}, []int64{3}},
		{Q{"price__in": []string{"7.25", "10"}}, []int64{1, 3}},
		{Q{"genre": "novel"}, []int64{1, 3}},
		{Q{"genre__in": []string{"poetry", "essay"}}, []int64{2, 4}},
		{Q{"genre__contains": "ss"}, []int64{4}},
		{Q{"published__year": 2005}, []int64{1, 2}},
		{Q{"published__year__gt": 2005}, []int64{3, 4}},
		{Q{"published__year__gte": 2010}, []int64{3, 4}},
		{Q{"published__year__lt": 2010}, []int64{1, 2}},
		{Q{"published__year__lte": 2010}, []int64{1, 2, 3}},
		{Q{"published__year__in": []int{2005, 2020}}, []int64{1, 2, 4}},
		{Q{"published__month": 12}, []int64{2}},
		{Q{"published__day__gte": 15}, []int64{2, 3}},
		{Q{"published__date": y2005}, []int64{1}},
		{Q{"published__date__gt": y2005}, []int64{2, 3, 4}},
		{Q{"published__gte": y2005.AddDate(5, 0, 0)}, []int64{3, 4}},
		{Q{"published__range": []time.Time{y2005, y2005.AddDate(1, 0, 0)}}, []int64{1, 2}},
		{Q{"pk__in": []int{2, 4, 99}}, []int64{2, 4}},
		{Q{"author__name__startswith": "B", "publisher__isnull": false}, []int64{4}},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.q), func(t *testing.T) {
			assert.Equal(t, tc.want, ids(t, c, books.Filter(tc.q), 1))
		})
	}
}

// TestTimeOfDay: hour, minute and second read the timestamp in the
// session's time zone, as Django reads it in the current one, and chain
// with comparisons.
func TestTimeOfDay(t *testing.T) {
	db, c := seeded(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := db.RunInTx(ctx, func(ctx context.Context, tx *orm.DB) error {
		// Asia/Kolkata is UTC+05:30 all year: books published at 12:00 UTC
		// are at 17:30 there, reviews posted at 00:00 UTC at 05:30; review 1
		// moves to 03:45:07.6 UTC, 09:15:07.6 there.
		for _, sql := range []string{"SET LOCAL TimeZone = 'Asia/Kolkata'",
			"UPDATE review SET posted = '2006-01-01 03:45:07.6+00' WHERE id = 1"} {
			if _, err := tx.Exec(ctx, sql); err != nil {
				return err
			}
		}
		reviews, books := New[Review](tx), New[Book](tx)
		cases := []struct {
			q    Q
			want []int64
		}{
			{Q{"posted__hour": 9}, []int64{1}},
			{Q{"posted__hour__lt": 6}, []int64{2, 3, 4, 5}},
			{Q{"posted__hour__in": []int{5, 9}}, []int64{1, 2, 3, 4, 5}},
			{Q{"posted__minute": 15}, []int64{1}},
			{Q{"posted__minute__gte": 30}, []int64{2, 3, 4, 5}},
			{Q{"posted__second": 7}, []int64{1}}, // whole seconds, as Django: not 7.6
			{Q{"posted__second__gt": 7}, []int64{}},
			{Q{"posted__second__range": []int{0, 6}}, []int64{2, 3, 4, 5}},
		}
		for _, tc := range cases {
			assert.Equal(t, tc.want, ids(t, c, reviews.Filter(tc.q), 1), "%v", tc.q)
		}
		assert.Equal(t, []int64{2, 3, 4, 5}, ids(t, c, reviews.Exclude(Q{"posted__hour": 9}), 1))
		assert.Equal(t, []int64{1, 2, 3, 4}, ids(t, c, books.Filter(Q{"published__hour": 17, "published__minute": 30}), 1))
		assert.Equal(t, []int64{}, ids(t, c, books.Filter(Q{"published__hour": 12}), 1), "12:00 UTC is 17:30 in the session's zone")
		if _, err := tx.Exec(ctx, "SET LOCAL TimeZone = 'UTC'"); err != nil {
			return err
		}
		assert.Equal(t, []int64{1, 2, 3, 4}, ids(t, c, books.Filter(Q{"published__hour": 12}), 1))

		_, err := books.Filter(Q{"title__hour": 1}).All(ctx)
		assert.ErrorContains(t, err, `unsupported transform "hour" for string field Book.title (it needs a timestamp field)`)
		return nil
	})
	require.NoError(t, err)
}

func TestErrors(t *testing.T) {
	ctx := context.Background()
	db, c := seeded(t)
	books := New[Book](db)
	cases := []struct {
		name string
		qs   QuerySet[Book]
		msg  string
	}{
		{"unknown field", books.Filter(Q{"titel": "x"}), `field "titel": cannot resolve "titel" into a field (did you mean "title"?); choices are: author, genre, id, pages, price, published, publisher, rating, reviews, tags, title, translator`},
		{"unknown related field", books.Filter(Q{"author__nmae": "x"}), `field "author__nmae": cannot resolve "nmae" into a field of Author (did you mean "name"?); choices are: awards, books, email, id, mentees, mentor, name, profile, translations`},
		{"unknown lookup", books.Filter(Q{"pages__foo": 1}), `unsupported lookup "foo" for integer field Book.pages; valid lookups: exact, gt, gte, in, isnull, lt, lte, range`},
		{"lookup not valid for type", books.Filter(Q{"pages__contains": "1"}), `unsupported lookup "contains" for integer field Book.pages`},
		{"transform on text", books.Filter(Q{"title__year": 2005}), `unsupported transform "year" for string field Book.title (it needs a timestamp or date field)`},
		{"wrong value type", books.Filter(Q{"pages": "many"}), `cannot use "many" (string) as a value for integer field Book.pages`},
		{"out of range", books.Filter(Q{"pages": int64(1) << 40}), `out of range for integer field Book.pages (integer)`},
		{"fraction", books.Filter(Q{"pages": 1.5}), `without losing its fraction`},
		{"not a number", books.Filter(Q{"price": "ten"}), `"ten" is not a number`},
		{"wrong model object", books.Filter(Q{"author": &Tag{ID: 1}}), `a Tag object cannot stand for a Author`},
		{"in needs a slice", books.Filter(Q{"id__in": 5}), `lookup "in" takes a slice`},
		{"isnull needs a bool", books.Filter(Q{"rating__isnull": "yes"}), `isnull takes true or false`},
		{"range needs two", books.Filter(Q{"pages__range": []int{1}}), `takes two values`},
		{"compare with nil", books.Filter(Q{"pages__gt": nil}), `cannot compare with nil`},
		{"order by unknown", books.OrderBy("-nope"), `cannot resolve "nope"`},
		{"order by multi-valued", books.OrderBy("tags__name"), `cannot order by a multi-valued relation`},
		{"order with lookup", books.OrderBy("pages__gt"), `lookups are not allowed here`},
		{"F unknown", books.Filter(Q{"pages__gt": F("nope")}), `cannot resolve "nope"`},
		{"F with contains", books.Filter(Q{"title__contains": F("title")}), `F() expressions work with`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c.Reset()
			_, err := tc.qs.All(ctx)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.msg)
			assert.Contains(t, err.Error(), "Book")
			var fe *orm.FieldError
			if !strings.Contains(tc.name, "F with") {
				assert.True(t, errors.As(err, &fe), "want *orm.FieldError, got %T", err)
			}
			assert.Equal(t, 0, c.N(), "nothing is sent for a bad query")
		})
	}
	t.Run("get", func(t *testing.T) {
		_, err := books.Get(ctx, Q{"pk": 99})
		assert.ErrorIs(t, err, orm.ErrNoRows)
		assert.EqualError(t, err, "queryset: Get Book: orm: no rows")
		_, err = books.Get(ctx, Q{"genre": "novel"})
		assert.ErrorIs(t, err, orm.ErrMultipleRows)
		assert.EqualError(t, err, "queryset: Get Book: orm: multiple rows (2)")
		b, err := books.Filter(Q{"genre": "novel"}).Get(ctx, Q{"pages__gt": 200})
		require.NoError(t, err)
		assert.Equal(t, "Gamma 50%_", b.Title)
		_, err = New[Book](db).Filter(Q{"id__in": []int{}}).First(ctx)
		assert.ErrorIs(t, err, orm.ErrNoRows)
	})
	t.Run("not a model", func(t *testing.T) {
		_, err := New[struct{ X int }](db).All(ctx)
		var me *orm.ModelError
		assert.True(t, errors.As(err, &me))
		_, err = New[Book](nil).All(ctx)
		assert.ErrorContains(t, err, "nil *orm.DB")
	})
}

func TestUpdateDelete(t *testing.T) {
	ctx := context.Background()
	db, c := seeded(t)
	books := New[Book](db)

	c.Reset()
	n, err := books.Filter(Q{"genre": "novel"}).Update(ctx, map[string]any{"pages": F("pages").Add(1)})
	require.NoError(t, err)
	assert.EqualValues(t, 2, n)
	assert.Equal(t, 1, c.N())
	pages, err := ValuesList[int32](ctx, books.OrderBy("id"), "pages")
	require.NoError(t, err)
	assert.Equal(t, []int32{101, 250, 301, 50}, pages)

	n, err = books.Filter(Q{"genre": "novel"}).Update(ctx, map[string]any{"price": F("price").Mul(1.1)})
	require.NoError(t, err)
	assert.EqualValues(t, 2, n)
	prices, err := ValuesList[string](ctx, books.OrderBy("id"), "price")
	require.NoError(t, err)
	assert.Equal(t, []string{"11.00", "25.50", "7.98", "99.99"}, prices, "total = total * 1.1 in one UPDATE")

	n, err = books.Filter(Q{"author__name": "Bob"}).Update(ctx, map[string]any{"rating": nil, "publisher": 2})
	require.NoError(t, err)
	assert.EqualValues(t, 2, n)
	assert.Equal(t, []int64{2, 3, 4}, ids(t, c, books.Filter(Q{"rating__isnull": true}), 1))
	assert.Equal(t, []int64{2, 3, 4}, ids(t, c, books.Filter(Q{"publisher": 2}), 1))

	_, err = books.Update(ctx, map[string]any{"pages": "x"})
	assert.ErrorContains(t, err, "integer field Book.pages")
	_, err = books.Update(ctx, map[string]any{"author__name": "x"})
	assert.Error(t, err)
	_, err = books.Update(ctx, map[string]any{"pages": F("publisher__country__id")})
	assert.ErrorContains(t, err, "cannot refer to related rows")
	_, err = books.Limit(1).Update(ctx, map[string]any{"pages": 1})
	assert.ErrorContains(t, err, "after Limit")
	_, err = books.Update(ctx, nil)
	assert.ErrorContains(t, err, "nothing to set")

	c.Reset()
	n, err = books.Filter(Q{"id__in": []int{}}).Update(ctx, map[string]any{"pages": 1})
	require.NoError(t, err)
	assert.Zero(t, n)
	assert.Equal(t, 0, c.N())

	_, err = New[Review](db).Filter(Q{"book__title": "Alpha"}).Delete(ctx)
	require.NoError(t, err)
	c.Reset()
	n, err = books.Filter(Q{"reviews__isnull": true, "tags__isnull": false}).Delete(ctx)
	require.Error(t, err, "book_tags rows still refer to book 1: %v %v", n, c.SQLs())
	assert.ErrorIs(t, err, orm.ErrForeignKeyViolation)
	_, err = db.Exec(ctx, "DELETE FROM book_tags WHERE book_id = 1")
	require.NoError(t, err)
	n, err = books.Filter(Q{"reviews__isnull": true, "author__name": "Ann", "tags__isnull": true}).Delete(ctx)
	require.NoError(t, err)
	assert.EqualValues(t, 1, n)
	assert.Equal(t, []int64{2, 3, 4}, ids(t, c, books, 1))
}

// A QuerySet value is shared freely: concurrent terminal calls on one value
// (which share its compiled-statement cache) and concurrent derivations.
func TestConcurrentUse(t *testing.T) {
	ctx := context.Background()
	db, _ := seeded(t)
	base := New[Book](db).Filter(Q{"genre": "novel"}).OrderBy("id")
	errs := make(chan error, 32)
	for i := range 32 {
		go func() {
			qs := base
			if i%2 == 0 {
				qs = base.Filter(Q{"pages__gt": 0})
			}
			rows, err := qs.All(ctx)
			if err == nil && len(rows) != 2 {
				err = fmt.Errorf("got %d rows", len(rows))
			}
			errs <- err
		}()
	}
	for range 32 {
		require.NoError(t, <-errs)
	}
}

func TestExplainAndDistinct(t *testing.T) {
	ctx := context.Background()
	db, c := seeded(t)
	c.Reset()
	plan, err := New[Book](db).Filter(Q{"author__name": "Ann"}).Explain(ctx)
	require.NoError(t, err)
	assert.Contains(t, plan, "Join", "the plan of the statement All would run")
	assert.Contains(t, plan, "book")
	assert.Equal(t, 1, c.N())
	_, err = New[Book](db).Filter(Q{"nope": 1}).Explain(ctx)
	assert.ErrorContains(t, err, `cannot resolve "nope"`)

	genres, err := ValuesList[string](ctx, New[Book](db).OrderBy("genre").Distinct(), "genre")
	require.NoError(t, err)
	assert.Equal(t, []string{"novel", "poetry", "essay"}, genres, "DISTINCT, in enum order")
	n, err := New[Book](db).Distinct().Count(ctx)
	require.NoError(t, err)
	assert.EqualValues(t, 4, n)
}
