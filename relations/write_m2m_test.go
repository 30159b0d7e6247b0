package relations_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	. "github.com/eagerorm/eager/internal/testdomain"
	"github.com/eagerorm/eager/orm"
	"github.com/eagerorm/eager/queryset"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// writeCtx bounds a write test: nothing here may hang.
func writeCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// allEvents records every statement, transaction control included.
type allEvents struct {
	mu  sync.Mutex
	sql []string
}

func (a *allEvents) BeforeQuery(ctx context.Context, _ orm.QueryEvent) context.Context { return ctx }
func (a *allEvents) AfterQuery(_ context.Context, ev orm.QueryEvent) {
	a.mu.Lock()
	a.sql = append(a.sql, ev.SQL)
	a.mu.Unlock()
}

func (a *allEvents) take() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := a.sql
	a.sql = nil
	return out
}

// links returns the tag ids linked to book, in order.
func links(t *testing.T, db *orm.DB, book int64) []int64 {
	t.Helper()
	rows, err := db.Querier().Query(context.Background(), "SELECT tag_id FROM book_tags WHERE book_id = $1 ORDER BY tag_id", book)
	require.NoError(t, err)
	defer rows.Close()
	ids := []int64{}
	for rows.Next() {
		var id int64
		require.NoError(t, rows.Scan(&id))
		ids = append(ids, id)
	}
	require.NoError(t, rows.Err())
	return ids
}

func booksAndTags(t *testing.T, ctx context.Context, db *orm.DB) (map[int64]*Book, map[string]*Tag) {
	t.Helper()
	books, err := queryset.New[Book](db).OrderBy("id").All(ctx)
	require.NoError(t, err)
	tags, err := queryset.New[Tag](db).OrderBy("id").All(ctx)
	require.NoError(t, err)
	bm, tm := map[int64]*Book{}, map[string]*Tag{}
	for _, b := range books {
		bm[b.ID] = b
	}
	for _, tg := range tags {
		tm[tg.Name] = tg
	}
	return bm, tm
}

func TestManyToManyAdd(t *testing.T) {
	ctx := writeCtx(t)
	db, c, _ := seeded(t)
	books, tags := booksAndTags(t, ctx, db)
	gamma := books[3]

	c.Reset()
	require.NoError(t, gamma.Tags.Add(ctx, tags["red"], tags["blue"], tags["unused"]))
	assert.Equal(t, 1, c.N(), "three links, one statement")
	assert.Equal(t, []int64{1, 2, 3}, links(t, db, 3))
	assert.Contains(t, c.SQLs()[0], "ON CONFLICT DO NOTHING")

	// An existing link: no error, no duplicate; a repeated argument counts once.
	c.Reset()
	require.NoError(t, gamma.Tags.Add(ctx, tags["red"], tags["red"]))
	assert.Equal(t, 1, c.N())
	assert.Equal(t, []int64{1, 2, 3}, links(t, db, 3))

	// Nothing to add: nothing sent.
	c.Reset()
	require.NoError(t, gamma.Tags.Add(ctx))
	assert.Equal(t, 0, c.N())

	// The other side sees the links, through the same join table.
	red, err := queryset.New[Tag](db).PrefetchRelated("books").Get(ctx, queryset.Q{"id": 1})
	require.NoError(t, err)
	rb, err := red.Books.All(ctx)
	require.NoError(t, err)
	assert.Len(t, rb, 3, "Alpha, Beta and now Gamma")
}

// A join table without a unique key on the pair gets no duplicate either:
// the INSERT skips pairs that exist.
func TestManyToManyAddWithoutUniqueKey(t *testing.T) {
	ctx := writeCtx(t)
	db, c, tdb := seeded(t)
	_, err := tdb.Pool.Exec(ctx, "ALTER TABLE book_tags DROP CONSTRAINT book_tags_pkey")
	require.NoError(t, err)
	books, tags := booksAndTags(t, ctx, db)
	c.Reset()
	require.NoError(t, books[1].Tags.Add(ctx, tags["red"], tags["unused"]))
	require.NoError(t, books[1].Tags.Add(ctx, tags["red"], tags["unused"]))
	assert.Equal(t, 2, c.N())
	assert.Equal(t, []int64{1, 2, 3}, links(t, db, 1))
}

func TestManyToManyRemoveClearSet(t *testing.T) {
	ctx := writeCtx(t)
	all := &allEvents{}
	db, c, _ := seeded(t, orm.WithHook(all))
	books, tags := booksAndTags(t, ctx, db)
	alpha := books[1] // red, blue

	c.Reset()
	require.NoError(t, alpha.Tags.Remove(ctx, tags["red"], tags["unused"]), "a missing link is ignored")
	assert.Equal(t, 1, c.N())
	assert.Equal(t, []int64{2}, links(t, db, 1))

	// Set: add the missing, remove the rest, in one statement without
	// transaction control.
	all.take()
	c.Reset()
	require.NoError(t, alpha.Tags.Set(ctx, tags["red"], tags["unused"]))
	assert.Equal(t, 1, c.N())
	assert.Len(t, all.take(), 1, "no BEGIN/COMMIT: one statement is atomic")
	assert.Equal(t, []int64{1, 3}, links(t, db, 1))
	assert.Equal(t, []int64{1}, links(t, db, 2), "other books' links untouched")

	c.Reset()
	require.NoError(t, alpha.Tags.Set(ctx, tags["red"], tags["unused"]), "the same set again changes nothing")
	assert.Equal(t, []int64{1, 3}, links(t, db, 1))

	c.Reset()
	require.NoError(t, alpha.Tags.Clear(ctx))
	assert.Equal(t, 1, c.N())
	assert.Equal(t, []int64{}, links(t, db, 1))
	assert.Equal(t, []int64{1}, links(t, db, 2))

	require.NoError(t, alpha.Tags.Set(ctx, tags["blue"]))
	c.Reset()
	require.NoError(t, alpha.Tags.Set(ctx), "Set of nothing is Clear")
	assert.Equal(t, 1, c.N())
	assert.Equal(t, []int64{}, links(t, db, 1))

	var tagRows int
	require.NoError(t, db.Querier().QueryRow(ctx, "SELECT count(*) FROM tag").Scan(&tagRows))
	assert.Equal(t, 3, tagRows, "the tags themselves stay")
}

// After a write the loaded list is marked not loaded (as Django clears its
// prefetch cache): All reads what the database now holds.
func TestManyToManyWriteUnloads(t *testing.T) {
	ctx := writeCtx(t)
	db, c, _ := seeded(t)
	_, tags := booksAndTags(t, ctx, db)
	alpha, err := queryset.New[Book](db).PrefetchRelated("tags").Get(ctx, queryset.Q{"id": 1})
	require.NoError(t, err)
	require.True(t, alpha.Tags.Loaded())

	require.NoError(t, alpha.Tags.Add(ctx, tags["unused"]))
	assert.False(t, alpha.Tags.Loaded())
	c.Reset()
	got, err := alpha.Tags.All(ctx)
	require.NoError(t, err)
	assert.Len(t, got, 3)
	assert.Equal(t, 1, c.N(), "one query reads the list again")

	for _, w := range []struct {
		name  string
		write func() error
	}{
		{"Remove", func() error { return alpha.Tags.Remove(ctx, tags["red"]) }},
		{"Clear", func() error { return alpha.Tags.Clear(ctx) }},
		{"Set", func() error { return alpha.Tags.Set(ctx, tags["blue"]) }},
	} {
		_, err := alpha.Tags.All(ctx)
		require.NoError(t, err)
		require.True(t, alpha.Tags.Loaded())
		require.NoError(t, w.write(), w.name)
		assert.False(t, alpha.Tags.Loaded(), w.name)
	}
	got, err = alpha.Tags.All(ctx)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, "blue", got[0].Name)
}

func TestManyToManyWriteErrors(t *testing.T) {
	ctx := writeCtx(t)
	db, c, _ := seeded(t)
	books, tags := booksAndTags(t, ctx, db)
	c.Reset()

	// A row not read through a DB has no DB to write with.
	var fresh Book
	fresh.ID = 1
	err := fresh.Tags.Add(ctx, tags["red"])
	assert.ErrorContains(t, err, "not read through a DB")
	assert.ErrorContains(t, err, "ManyToMany[Tag].Add")

	// An unsaved tag: its key is the zero its insert would replace.
	err = books[1].Tags.Add(ctx, tags["unused"], &Tag{Name: "new"})
	assert.ErrorIs(t, err, orm.ErrUnsavedRelated)
	assert.ErrorContains(t, err, "Book.tags.Add: argument 2, a Tag, is not saved")
	err = books[1].Tags.Set(ctx, nil)
	assert.ErrorContains(t, err, "argument 1 is a nil *Tag")
	assert.Equal(t, 0, c.N(), "no statement for a write refused")
	assert.Equal(t, []int64{1, 2}, links(t, db, 1))

	// A tag that does not exist: the join table's foreign key says so.
	err = books[1].Tags.Add(ctx, &Tag{ID: 99})
	assert.ErrorIs(t, err, orm.ErrForeignKeyViolation)
	assert.ErrorContains(t, err, "Book.tags.Add")

	// A join table with a NOT NULL column of its own (a through model
	// without a default) is written with orm.Insert: Add says why not.
	authors, err := queryset.New[Author](db).OrderBy("id").All(ctx)
	require.NoError(t, err)
	nebula, err := queryset.New[Award](db).Get(ctx, queryset.Q{"name": "Nebula"})
	require.NoError(t, err)
	err = authors[1].Awards.Add(ctx, nebula)
	assert.ErrorIs(t, err, orm.ErrNotNullViolation)
}

// In a transaction the writes of a row read in it are part of it: they
// roll back with it. After it ends, a write through such a row says so.
func TestManyToManyWritesInTx(t *testing.T) {
	ctx := writeCtx(t)
	db, c, _ := seeded(t)
	_, tags := booksAndTags(t, ctx, db)
	boom := errors.New("boom")
	var held *Book
	err := db.RunInTx(ctx, func(ctx context.Context, tx *orm.DB) error {
		gamma, err := queryset.New[Book](tx).Get(ctx, queryset.Q{"id": 3})
		if err != nil {
			return err
		}
		held = gamma
		c.Reset()
		if err := gamma.Tags.Set(ctx, tags["red"], tags["blue"]); err != nil {
			return err
		}
		if err := gamma.Tags.Remove(ctx, tags["blue"]); err != nil {
			return err
		}
		assert.Equal(t, 2, c.N())
		var n int
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM book_tags WHERE book_id = 3").Scan(&n); err != nil {
			return err
		}
		assert.Equal(t, 1, n, "visible inside the transaction")
		return boom
	})
	require.ErrorIs(t, err, boom)
	assert.Equal(t, []int64{}, links(t, db, 3), "rolled back with the transaction")

	err = held.Tags.Add(ctx, tags["red"])
	assert.ErrorContains(t, err, "transaction that has ended")

	// Committed, they stay; a nested RunInTx (a savepoint) rolls back alone.
	require.NoError(t, db.RunInTx(ctx, func(ctx context.Context, tx *orm.DB) error {
		gamma, err := queryset.New[Book](tx).Get(ctx, queryset.Q{"id": 3})
		if err != nil {
			return err
		}
		if err := gamma.Tags.Add(ctx, tags["unused"]); err != nil {
			return err
		}
		_ = tx.RunInTx(ctx, func(ctx context.Context, sp *orm.DB) error {
			g, err := queryset.New[Book](sp).Get(ctx, queryset.Q{"id": 3})
			if err != nil {
				return err
			}
			if err := g.Tags.Add(ctx, tags["red"]); err != nil {
				return err
			}
			return boom
		})
		return nil
	}))
	assert.Equal(t, []int64{3}, links(t, db, 3))
}
