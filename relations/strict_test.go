package relations_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	. "github.com/eagerorm/eager/internal/testdomain"
	"github.com/eagerorm/eager/orm"
	"github.com/eagerorm/eager/queryset"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// nextLine is "relations/strict_test.go:N" for the line after the call.
func nextLine() string {
	_, file, line, _ := runtime.Caller(1)
	return fmt.Sprintf("relations/%s:%d", file[strings.LastIndex(file, "/")+1:], line+1)
}

// lazyPanic runs fn and returns the *orm.LazyLoadError it panicked with.
func lazyPanic(t *testing.T, fn func()) (le *orm.LazyLoadError) {
	t.Helper()
	defer func() {
		r := recover()
		require.NotNil(t, r, "expected a strict-mode panic")
		err, ok := r.(error)
		require.True(t, ok, "panic value %T is not an error", r)
		require.True(t, errors.As(err, &le), "panic value %T is not a *orm.LazyLoadError", r)
	}()
	fn()
	return nil
}

func TestStrictPanicsInNaiveLoops(t *testing.T) {
	ctx := context.Background()
	db, c, _ := seeded(t, orm.WithLoadMode(orm.Strict))
	books := queryset.New[Book](db).OrderBy("id")
	authors := queryset.New[Author](db).OrderBy("id")

	type loop struct {
		name  string
		run   func() // the naive loop; the access is on the line after want
		want  *string
		fix   string
		model string
		peers int
	}
	var site string
	loops := []loop{
		{"FK over All", func() {
			rows, _ := books.All(ctx)
			for _, b := range rows {
				site = nextLine()
				_, _ = b.Author.Get(ctx)
			}
		}, &site, `.SelectRelated("author")`, "Book", 4},
		{"FK over Iter", func() {
			for b := range books.Iter(ctx) {
				site = nextLine()
				_, _ = b.Author.Get(ctx)
			}
		}, &site, `.SelectRelated("author")`, "Book", 4},
		{"reverse FK over All", func() {
			rows, _ := authors.All(ctx)
			for _, a := range rows {
				site = nextLine()
				_, _ = a.Books.All(ctx)
			}
		}, &site, `.PrefetchRelated("books")`, "Author", 3},
		{"reverse FK over Iter", func() {
			for a := range authors.Iter(ctx) {
				site = nextLine()
				_, _ = a.Books.All(ctx)
			}
		}, &site, `.PrefetchRelated("books")`, "Author", 3},
		{"M2M over All", func() {
			rows, _ := books.All(ctx)
			for _, b := range rows {
				site = nextLine()
				_, _ = b.Tags.All(ctx)
			}
		}, &site, `.PrefetchRelated("tags")`, "Book", 4},
		{"M2M over Iter", func() {
			for b := range books.Iter(ctx) {
				site = nextLine()
				_, _ = b.Tags.All(ctx)
			}
		}, &site, `.PrefetchRelated("tags")`, "Book", 4},
	}
	for _, l := range loops {
		t.Run(l.name, func(t *testing.T) {
			c.Reset()
			le := lazyPanic(t, l.run)
			assert.Equal(t, l.model, le.Model)
			assert.Equal(t, l.fix, le.Fix)
			assert.Equal(t, l.peers, le.Peers)
			assert.Equal(t, orm.Strict, le.Mode)
			assert.Equal(t, *l.want, le.Site, "the panic names the line of the access")
			msg := le.Error()
			assert.Contains(t, msg, "add "+l.fix+" to the QuerySet["+l.model+"]")
			assert.Contains(t, msg, *l.want)
			assert.Contains(t, msg, fmt.Sprintf("a result of %d rows", l.peers))
			read := 1 // the SELECT
			if strings.HasSuffix(l.name, "over Iter") {
				read = 2 // DECLARE and the first FETCH
			}
			assert.Equal(t, read, c.N(), "the panic comes before any lazy statement")
		})
	}
}

func TestStrictExemptions(t *testing.T) {
	ctx := context.Background()
	db, c, _ := seeded(t, orm.WithLoadMode(orm.Strict))

	t.Run("single-row results load lazily", func(t *testing.T) {
		c.Reset()
		b, err := queryset.New[Book](db).Get(ctx, queryset.Q{"pk": 1})
		require.NoError(t, err)
		a, err := b.Author.Get(ctx)
		require.NoError(t, err)
		assert.Equal(t, "Ann", a.Name)
		first, err := queryset.New[Author](db).First(ctx)
		require.NoError(t, err)
		bs, err := first.Books.All(ctx)
		require.NoError(t, err)
		assert.Len(t, bs, 2)
		assert.Equal(t, 4, c.N())
	})
	t.Run("a NULL foreign key", func(t *testing.T) {
		rows, err := queryset.New[Book](db).Filter(queryset.Q{"publisher__isnull": true}).All(ctx)
		require.NoError(t, err)
		p, err := rows[0].Publisher.Get(ctx)
		require.NoError(t, err)
		assert.Nil(t, p)
	})
	t.Run("an unsaved row", func(t *testing.T) {
		var a Author
		_, err := a.Books.All(ctx)
		assert.ErrorContains(t, err, "not read through a DB", "an error, not a panic")
	})
	t.Run("inside AllowLazy", func(t *testing.T) {
		rows, err := queryset.New[Book](db).OrderBy("id").All(ctx)
		require.NoError(t, err)
		c.Reset()
		require.NoError(t, orm.AllowLazy(ctx, func(ctx context.Context) error {
			for _, b := range rows {
				if _, err := b.Author.Get(ctx); err != nil {
					return err
				}
			}
			return nil
		}))
		assert.Equal(t, 4, c.N())
	})
	t.Run("StrictAll panics on single rows too", func(t *testing.T) {
		b, err := queryset.New[Book](db).WithLoadMode(orm.StrictAll).Get(ctx, queryset.Q{"pk": 1})
		require.NoError(t, err)
		le := lazyPanic(t, func() { _, _ = b.Author.Get(ctx) })
		assert.Equal(t, orm.StrictAll, le.Mode)
		assert.Equal(t, 1, le.Peers)
	})
}

func TestLoadModeInheritanceAndPrecedence(t *testing.T) {
	ctx := context.Background()
	db, _, _ := seeded(t, orm.WithLoadMode(orm.Strict))

	t.Run("prefetched rows inherit the mode", func(t *testing.T) {
		authors, err := queryset.New[Author](db).OrderBy("id").PrefetchRelated("books").All(ctx)
		require.NoError(t, err)
		bs, err := authors[0].Books.All(ctx)
		require.NoError(t, err)
		le := lazyPanic(t, func() { _, _ = bs[0].Publisher.Get(ctx) })
		assert.Equal(t, `.PrefetchRelated("books__publisher")`, le.Fix, "the fix is a path from the root QuerySet")
		assert.Equal(t, "Author", le.Root)
		assert.Contains(t, le.Error(), "QuerySet[Author]")
	})
	t.Run("selected rows inherit the mode", func(t *testing.T) {
		books, err := queryset.New[Book](db).Filter(queryset.Q{"author__name": "Bob"}).SelectRelated("author").All(ctx)
		require.NoError(t, err)
		a, err := books[0].Author.Get(ctx) // Bob, whose mentor is Ann
		require.NoError(t, err)
		le := lazyPanic(t, func() { _, _ = a.Mentor.Get(ctx) })
		assert.Equal(t, `.SelectRelated("author__mentor")`, le.Fix)
	})
	lazyDB := db.WithLoadMode(orm.Lazy)
	t.Run("set on the QuerySet", func(t *testing.T) {
		rows, err := queryset.New[Book](lazyDB).WithLoadMode(orm.Strict).All(ctx)
		require.NoError(t, err)
		lazyPanic(t, func() { _, _ = rows[0].Author.Get(ctx) })
		rows, err = queryset.New[Book](db).WithLoadMode(orm.Lazy).All(ctx)
		require.NoError(t, err)
		_, err = rows[0].Author.Get(ctx)
		assert.NoError(t, err, "the QuerySet's mode overrides the DB's")
	})
	t.Run("set on the context", func(t *testing.T) {
		sctx := orm.ContextWithLoadMode(ctx, orm.Strict)
		rows, err := queryset.New[Book](lazyDB).All(sctx)
		require.NoError(t, err)
		lazyPanic(t, func() { _, _ = rows[0].Author.Get(ctx) })
		rows, err = queryset.New[Book](db).All(orm.ContextWithLoadMode(ctx, orm.Lazy))
		require.NoError(t, err)
		_, err = rows[0].Author.Get(ctx)
		assert.NoError(t, err, "the context's mode overrides the DB's")
	})
}

// seedMany adds 50 authors and 500 books (ids 100-599) with one tag each.
func seedMany(t *testing.T, db *orm.DB) {
	t.Helper()
	_, err := db.Exec(context.Background(), `
		INSERT INTO author SELECT i, 'author ' || i, NULL, NULL FROM generate_series(10, 59) i;
		INSERT INTO book SELECT i, 'book ' || i, i, NULL, 1, now(), 'novel', 10 + i % 50, NULL, NULL FROM generate_series(100, 599) i;
		INSERT INTO book_tags SELECT i, 1 + i % 2 FROM generate_series(100, 599) i;`)
	require.NoError(t, err)
}

func TestFetchPeers(t *testing.T) {
	ctx := context.Background()
	db, c, _ := seeded(t, orm.WithLoadMode(orm.FetchPeers))
	seedMany(t, db)
	many := queryset.New[Book](db).Filter(queryset.Q{"id__gte": 100}).OrderBy("id")

	c.Reset()
	rows, err := many.All(ctx)
	require.NoError(t, err)
	require.Len(t, rows, 500)
	var naive []string
	for _, b := range rows {
		a, err := b.Author.Get(ctx)
		require.NoError(t, err)
		naive = append(naive, a.Name)
	}
	assert.Equal(t, 2, c.N(), "500 books and their authors in 2 statements: %v", c.SQLs())

	selected, err := many.SelectRelated("author").All(ctx)
	require.NoError(t, err)
	var eager []string
	for _, b := range selected {
		a, _ := b.Author.Get(ctx)
		eager = append(eager, a.Name)
	}
	assert.Equal(t, eager, naive, "the same values as SelectRelated")

	c.Reset()
	authors, err := queryset.New[Author](db).Filter(queryset.Q{"id__gte": 10}).All(ctx)
	require.NoError(t, err)
	total := 0
	for _, a := range authors {
		bs, err := a.Books.All(ctx)
		require.NoError(t, err)
		total += len(bs)
	}
	assert.Equal(t, 500, total)
	assert.Equal(t, 2, c.N(), "reverse FK: 2 statements")

	c.Reset()
	rows, err = many.All(ctx)
	require.NoError(t, err)
	for _, b := range rows {
		ts, err := b.Tags.All(ctx)
		require.NoError(t, err)
		require.Len(t, ts, 1)
	}
	assert.Equal(t, 2, c.N(), "many-to-many: 2 statements")

	c.Reset()
	n := 0
	for b, err := range many.IterChunk(100).Iter(ctx) {
		require.NoError(t, err)
		_, err := b.Author.Get(ctx)
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 500, n)
	assert.Equal(t, 1+6+5, c.N(), "over Iter, the peers are the chunk: one load per chunk (DECLARE, 6 FETCH, 5 loads): %q", c.SQLs())
}

func TestCaptureReport(t *testing.T) {
	db, _, _ := seeded(t)
	ctx, log := orm.Capture(context.Background())
	rows, err := queryset.New[Book](db).OrderBy("id").PrefetchRelated("tags").All(ctx)
	require.NoError(t, err)
	var site string
	for _, b := range rows {
		site = nextLine()
		_, err := b.Author.Get(ctx)
		require.NoError(t, err)
	}
	selected, err := queryset.New[Book](db).SelectRelated("author").All(ctx)
	require.NoError(t, err)
	_, _ = selected[0].Author.Get(ctx)

	r := log.Report()
	assert.Equal(t, 1+1+4+1, r.Statements)
	require.Len(t, r.NPlusOne, 1)
	n := r.NPlusOne[0]
	assert.Equal(t, 4, n.Count)
	assert.Equal(t, site, n.Site, "the report names the line of the naive loop")
	require.NotNil(t, n.Load)
	assert.Equal(t, "Book", n.Load.Model)
	assert.Equal(t, "author", n.Load.Relation)
	assert.Contains(t, n.Suggestion, `add .SelectRelated("author") to the QuerySet[Book]`)
	require.Len(t, r.Unused, 1, "tags were prefetched and never read; author was read")
	assert.Equal(t, "PrefetchRelated", r.Unused[0].Via)
	assert.Equal(t, "tags", r.Unused[0].Path)
	text := r.String()
	assert.Contains(t, text, "N+1: 4 x SELECT")
	assert.Contains(t, text, "from "+site+" (lazy load of Book.author)")
	assert.Contains(t, text, `eager loads never used:`)
	assert.Contains(t, text, `PrefetchRelated("tags") on QuerySet[Book]`)
	t.Log("\n" + text)
}
