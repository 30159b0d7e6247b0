package queryset_test

import (
	"errors"
	"testing"

	. "github.com/eagerorm/eager/internal/testdomain"
	"github.com/eagerorm/eager/orm"
	. "github.com/eagerorm/eager/queryset"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bookCols is every column of Book, in an order of the statement's own.
const bookCols = `translator_id, publisher_id, author_id, genre, published, price, rating, pages, title, id`

func TestRawAll(t *testing.T) {
	ctx := lockCtx(t)
	db, c := seeded(t)

	t.Run("star", func(t *testing.T) {
		c.Reset()
		got, err := Raw[Book](db, `SELECT * FROM book WHERE pages > $1 ORDER BY id`, 100).All(ctx)
		require.NoError(t, err)
		assert.Equal(t, []int64{2, 3}, bookIDs(got))
		assert.Equal(t, "Beta", got[0].Title)
		assert.Nil(t, got[0].Rating)
		assert.Equal(t, int64(1), got[0].Author.ID())
		assert.Equal(t, 1, c.N())
		assert.Equal(t, `SELECT * FROM book WHERE pages > $1 ORDER BY id`, c.SQLs()[0], "sent as written")
	})

	t.Run("by_name_extra_ignored", func(t *testing.T) {
		got, err := Raw[Book](db, `SELECT 42 AS extra, `+bookCols+`, 'x' AS other FROM book WHERE id = $1`, 4).All(ctx)
		require.NoError(t, err)
		require.Len(t, got, 1)
		b := got[0]
		assert.Equal(t, "delta", b.Title)
		assert.Equal(t, int32(50), b.Pages)
		assert.Equal(t, "99.99", b.Price)
		assert.Equal(t, "essay", b.Genre)
		assert.Equal(t, int64(2), b.Author.ID())
		assert.Equal(t, int64(1), b.Publisher.ID())
	})

	t.Run("no_rows", func(t *testing.T) {
		got, err := Raw[Book](db, `SELECT * FROM book WHERE false`).All(ctx)
		require.NoError(t, err)
		assert.Empty(t, got)
	})

	t.Run("errors", func(t *testing.T) {
		_, err := Raw[Book](db, `SELECT title, pages, rating, price, published, genre, author_id, publisher_id, translator_id FROM book`).All(ctx)
		require.Error(t, err)
		assert.Contains(t, err.Error(), `queryset Book: the Raw statement's result has no column "id" (Book.id, the primary key)`)

		_, err = Raw[Book](db, `SELECT id, title AS titel, pages, rating, price, published, genre, author_id, publisher_id, translator_id FROM book`).All(ctx)
		assert.ErrorContains(t, err, `no column "title" (Book.title)`)

		_, err = Raw[Book](db, `SELECT book.*, author.* FROM book JOIN author ON author.id = book.author_id`).All(ctx)
		assert.ErrorContains(t, err, `result has two columns named "id" (field Book.id)`)

		c.Reset()
		r := Raw[Book](db, "  ")
		assert.ErrorContains(t, r.Err(), "Raw[Book]: empty statement")
		_, err = r.All(ctx)
		assert.ErrorContains(t, err, "empty statement")
		assert.Equal(t, 0, c.N())

		_, err = Raw[Book](db, `SELECT * FROM book`).PrefetchRelated("nosuch").All(ctx)
		assert.ErrorContains(t, err, "nosuch")
		assert.Equal(t, 0, c.N(), "a bad prefetch sends nothing")

		_, err = Raw[Book](nil, `SELECT * FROM book`).All(ctx)
		assert.ErrorContains(t, err, "nil *orm.DB")
	})
}

func TestRawRelations(t *testing.T) {
	ctx := lockCtx(t)
	db, c := seeded(t)
	const novels = `SELECT * FROM book WHERE genre = $1 ORDER BY id`

	t.Run("lazy", func(t *testing.T) {
		c.Reset()
		got, err := Raw[Book](db, novels, "novel").All(ctx)
		require.NoError(t, err)
		var names []string
		for _, b := range got {
			a, err := b.Author.Get(ctx)
			require.NoError(t, err)
			names = append(names, a.Name)
		}
		assert.Equal(t, []string{"Ann", "Bob"}, names)
		assert.Equal(t, 3, c.N(), "the raw statement and one lazy load per row")
	})

	t.Run("fetch_peers", func(t *testing.T) {
		c.Reset()
		got, err := Raw[Book](db, novels, "novel").WithLoadMode(orm.FetchPeers).All(ctx)
		require.NoError(t, err)
		var names []string
		for _, b := range got {
			a, err := b.Author.Get(ctx)
			require.NoError(t, err)
			names = append(names, a.Name)
		}
		assert.Equal(t, []string{"Ann", "Bob"}, names)
		assert.Equal(t, 2, c.N(), "the first access loads the authors of every peer")
	})

	t.Run("strict", func(t *testing.T) {
		got, err := Raw[Book](db, novels, "novel").WithLoadMode(orm.Strict).All(ctx)
		require.NoError(t, err)
		defer func() {
			var lle *orm.LazyLoadError
			p := recover()
			e, _ := p.(error)
			require.True(t, errors.As(e, &lle), "panics with *orm.LazyLoadError, got %v", p)
			assert.Equal(t, "Book", lle.Model)
			assert.Equal(t, "author", lle.Relation)
		}()
		for _, b := range got {
			_, _ = b.Author.Get(ctx)
		}
		t.Fatal("no panic")
	})

	t.Run("prefetch", func(t *testing.T) {
		c.Reset()
		got, err := Raw[Book](db, novels, "novel").PrefetchRelated("reviews", "tags", "author__books").All(ctx)
		require.NoError(t, err)
		n := c.N()
		assert.Equal(t, 5, n, "the raw statement and one per prefetched relation: reviews, tags, author, its books")
		var stars []int16
		var tags []string
		for _, b := range got {
			rs, err := b.Reviews.All(ctx)
			require.NoError(t, err)
			for _, r := range rs {
				stars = append(stars, r.Stars)
			}
			ts, err := b.Tags.All(ctx)
			require.NoError(t, err)
			for _, tg := range ts {
				tags = append(tags, tg.Name)
			}
			a, err := b.Author.Get(ctx)
			require.NoError(t, err)
			books, err := a.Books.All(ctx)
			require.NoError(t, err)
			assert.Len(t, books, 2)
		}
		assert.ElementsMatch(t, []int16{5, 1}, stars)
		assert.ElementsMatch(t, []string{"red", "blue"}, tags)
		assert.Equal(t, n, c.N(), "reading what was prefetched sends nothing")
	})

	t.Run("capture", func(t *testing.T) {
		cctx, log := orm.Capture(ctx)
		got, err := Raw[Book](db, novels, "novel").All(cctx)
		require.NoError(t, err)
		for _, b := range got {
			_, err := b.Author.Get(cctx)
			require.NoError(t, err)
		}
		rep := log.Report()
		assert.Equal(t, 3, rep.Statements)
		require.Len(t, rep.NPlusOne, 1, "the lazy loads in the loop are an N+1")
		assert.Contains(t, rep.NPlusOne[0].Suggestion, "author")
	})

	t.Run("iter", func(t *testing.T) {
		c.Reset()
		var ids []int64
		for b, err := range Raw[Book](db, `SELECT * FROM book ORDER BY id`).IterChunk(3).PrefetchRelated("reviews").Iter(ctx) {
			require.NoError(t, err)
			rs, err := b.Reviews.All(ctx)
			require.NoError(t, err)
			_ = rs
			ids = append(ids, b.ID)
		}
		assert.Equal(t, []int64{1, 2, 3, 4}, ids)
		// DECLARE, two FETCHes of 3 and 1 rows, a prefetch per chunk.
		assert.Equal(t, 5, c.N(), "%q", c.SQLs())
	})
}
