package relations_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	. "github.com/eagerorm/eager/internal/testdomain"
	"github.com/eagerorm/eager/orm"
	"github.com/eagerorm/eager/queryset"
	"github.com/eagerorm/eager/relations"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A dangling foreign key: without a constraint, book 5 points at author 99
// and publisher 77, which do not exist. Every row is returned whatever loads
// the relation, and Get on the missing one is an error naming the model, the
// field and the key, never (nil, nil).
func TestDanglingForeignKey(t *testing.T) {
	db, c, tdb := seeded(t)
	ctx := context.Background()
	_, err := tdb.Pool.Exec(ctx, `ALTER TABLE book DROP CONSTRAINT book_author_id_fkey, DROP CONSTRAINT book_publisher_id_fkey;
		INSERT INTO book VALUES (5, 'Orphan', 1, NULL, 1, now(), 'novel', 99, 77, NULL)`)
	require.NoError(t, err)

	checkMissing := func(t *testing.T, b *Book) {
		t.Helper()
		require.Equal(t, "Orphan", b.Title)
		a, err := b.Author.Get(ctx)
		assert.Nil(t, a)
		require.Error(t, err, "a NOT NULL relation whose row is missing is an error, not nil")
		assert.ErrorIs(t, err, orm.ErrNoRows)
		var missing *relations.MissingRowError
		require.ErrorAs(t, err, &missing)
		assert.Equal(t, "Book", missing.Model)
		assert.Equal(t, "author", missing.Field)
		assert.Equal(t, "Author", missing.Target)
		assert.Equal(t, int64(99), missing.Key)
		assert.Contains(t, err.Error(), "Book.author")
		assert.Contains(t, err.Error(), "99")
		p, err := b.Publisher.Get(ctx)
		assert.Nil(t, p)
		assert.ErrorIs(t, err, orm.ErrNoRows, "a nullable key holding a key no row has is missing too")
		assert.True(t, b.Author.Loaded())
		assert.Equal(t, int64(99), b.Author.ID())
	}
	n, err := queryset.New[Book](db).Count(ctx)
	require.NoError(t, err)
	require.Equal(t, int64(5), n)

	loaders := []struct {
		name string
		qs   queryset.QuerySet[Book]
	}{
		{"SelectRelated", queryset.New[Book](db).SelectRelated("author", "publisher__country")},
		{"PrefetchRelated", queryset.New[Book](db).PrefetchRelated("author", "publisher")},
		{"FetchPeers", queryset.New[Book](db).WithLoadMode(orm.FetchPeers)},
		{"Lazy", queryset.New[Book](db)},
	}
	for _, l := range loaders {
		t.Run(l.name, func(t *testing.T) {
			books, err := l.qs.OrderBy("id").All(ctx)
			require.NoError(t, err)
			require.Len(t, books, 5, "no row is dropped")
			for _, b := range books[:4] {
				a, err := b.Author.Get(ctx)
				require.NoError(t, err)
				require.NotNil(t, a)
			}
			checkMissing(t, books[4])
		})
	}
	t.Run("Get and a Prefetch from a loaded parent", func(t *testing.T) {
		b, err := queryset.New[Book](db).Get(ctx, queryset.Q{"pk": 5})
		require.NoError(t, err)
		checkMissing(t, b)
		c.Reset()
		books, err := queryset.New[Book](db).SelectRelated("author").PrefetchRelated("author__profile").Filter(queryset.Q{"pk__in": []int64{1, 5}}).OrderBy("id").All(ctx)
		require.NoError(t, err)
		require.Len(t, books, 2)
		a, err := books[0].Author.Get(ctx)
		require.NoError(t, err)
		p, err := a.Profile.Get(ctx)
		require.NoError(t, err)
		assert.Equal(t, "writes novels", p.Bio)
		assert.Equal(t, 2, c.N(), "the missing author leads to no profile to load")
		checkMissing(t, books[1])
	})
	t.Run("a Prefetch queryset that filters the row out", func(t *testing.T) {
		books, err := queryset.New[Book](db).
			PrefetchRelated(queryset.Prefetch("author", queryset.New[Author](db).Filter(queryset.Q{"name": "Ann"}))).
			OrderBy("id").All(ctx)
		require.NoError(t, err)
		a, err := books[0].Author.Get(ctx)
		require.NoError(t, err)
		assert.Equal(t, "Ann", a.Name)
		_, err = books[2].Author.Get(ctx)
		assert.ErrorIs(t, err, orm.ErrNoRows, "Bob was filtered out of the prefetch: not nil, as Django raises DoesNotExist")
	})
}

// SelectRelated's own joins are LEFT, so loading a relation never drops a
// row; a join a filter needs keeps its kind.
func TestSelectRelatedJoinKinds(t *testing.T) {
	db := orm.New(nil) // compiles only
	for _, tc := range []struct {
		qs   queryset.QuerySet[Book]
		want string
	}{
		{queryset.New[Book](db).SelectRelated("author"), `LEFT JOIN "author" ON`},
		{queryset.New[Book](db).SelectRelated("publisher__country"), `LEFT JOIN "country" ON`},
		{queryset.New[Book](db).Filter(queryset.Q{"author__name": "Ann"}).SelectRelated("author"), `INNER JOIN "author" ON`},
		{queryset.New[Book](db).Filter(queryset.Q{"author__name": "Ann"}).SelectRelated("author__mentor"), `INNER JOIN "author" ON`},
	} {
		sql, _, err := tc.qs.SQL()
		require.NoError(t, err)
		assert.Contains(t, sql, tc.want)
		assert.LessOrEqual(t, strings.Count(sql, `JOIN "author" ON`), 1, "one join per path: %s", sql)
	}
	sql, _, err := queryset.New[Book](db).Filter(queryset.Q{"author__name": "Ann"}).SelectRelated("author__mentor").SQL()
	require.NoError(t, err)
	assert.Contains(t, sql, `LEFT JOIN "author" AS "T1" ON`, "the hop only SelectRelated needs is LEFT")
}

func TestMissingRowErrorMessage(t *testing.T) {
	err := &relations.MissingRowError{Model: "Book", Field: "author", Target: "Author", Key: int64(99)}
	assert.Equal(t, "relations: Book.author: no Author row with key 99 was found (the key points at no row, or a Prefetch queryset filtered it out)", err.Error())
	assert.True(t, errors.Is(err, orm.ErrNoRows))
}
