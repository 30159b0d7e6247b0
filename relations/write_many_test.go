package relations_test

import (
	"context"
	"errors"
	"testing"
	"time"

	. "github.com/eagerorm/eager/internal/testdomain"
	"github.com/eagerorm/eager/orm"
	"github.com/eagerorm/eager/queryset"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// column reads one integer column of one row (NULL as -1).
func column(t *testing.T, db *orm.DB, sql string, args ...any) int64 {
	t.Helper()
	var v *int64
	require.NoError(t, db.Querier().QueryRow(context.Background(), sql, args...).Scan(&v))
	if v == nil {
		return -1
	}
	return *v
}

func authorsByName(t *testing.T, ctx context.Context, db *orm.DB) map[string]*Author {
	t.Helper()
	authors, err := queryset.New[Author](db).OrderBy("id").All(ctx)
	require.NoError(t, err)
	m := map[string]*Author{}
	for _, a := range authors {
		m[a.Name] = a
	}
	return m
}

func TestManyAdd(t *testing.T) {
	ctx := writeCtx(t)
	db, c, _ := seeded(t)
	authors := authorsByName(t, ctx, db)
	books, _ := booksAndTags(t, ctx, db)
	cy := authors["Cy"]

	c.Reset()
	require.NoError(t, cy.Books.Add(ctx, books[3], books[4]))
	assert.Equal(t, 1, c.N(), "two children, one UPDATE")
	assert.Equal(t, int64(3), column(t, db, "SELECT author_id FROM book WHERE id = 3"))
	assert.Equal(t, int64(3), column(t, db, "SELECT author_id FROM book WHERE id = 4"))
	assert.Equal(t, int64(1), column(t, db, "SELECT author_id FROM book WHERE id = 1"), "others untouched")

	// In memory, the children point at Cy, loaded: no query to read him.
	c.Reset()
	assert.Equal(t, int64(3), books[3].Author.ID())
	got, err := books[3].Author.Get(ctx)
	require.NoError(t, err)
	assert.Same(t, cy, got)
	assert.Equal(t, 0, c.N())

	// Cy's list, read now, holds them.
	list, err := cy.Books.All(ctx)
	require.NoError(t, err)
	assert.Len(t, list, 2)

	// Nothing given: nothing sent.
	c.Reset()
	require.NoError(t, cy.Books.Add(ctx))
	assert.Equal(t, 0, c.N())
}

func TestManyAddErrors(t *testing.T) {
	ctx := writeCtx(t)
	db, c, _ := seeded(t)
	authors := authorsByName(t, ctx, db)
	ann := authors["Ann"]
	c.Reset()

	// Django's add takes saved rows only: Create makes new ones.
	err := ann.Books.Add(ctx, &Book{Title: "new"})
	assert.ErrorIs(t, err, orm.ErrUnsavedRelated)
	assert.ErrorContains(t, err, "Author.books.Add: argument 1, a Book, is not saved")
	assert.Equal(t, 0, c.N())

	// A row that does not exist is reported, never silently skipped.
	err = ann.Books.Add(ctx, &Book{ID: 99})
	assert.ErrorIs(t, err, orm.ErrNoRows)
	assert.ErrorContains(t, err, "1 of the 1 Book rows given were not found")

	var fresh Author
	fresh.ID = 1
	err = fresh.Books.Add(ctx, &Book{ID: 3})
	assert.ErrorContains(t, err, "not read through a DB")
}

func TestManyCreate(t *testing.T) {
	ctx := writeCtx(t)
	db, c, _ := seeded(t)
	ann := authorsByName(t, ctx, db)["Ann"]
	c.Reset()
	b, err := ann.Books.Create(ctx, &Book{ID: 10, Title: "Epsilon", Pages: 10, Price: "1.00",
		Published: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), Genre: "novel"})
	require.NoError(t, err)
	assert.Equal(t, 1, c.N(), "one INSERT")
	assert.Equal(t, int64(1), column(t, db, "SELECT author_id FROM book WHERE id = 10"))
	assert.Equal(t, int64(1), b.Author.ID())
	got, err := b.Author.Get(ctx)
	require.NoError(t, err)
	assert.Same(t, ann, got)
	assert.False(t, ann.Books.Loaded(), "the list is read again")
	list, err := ann.Books.All(ctx)
	require.NoError(t, err)
	assert.Len(t, list, 3)

	// On error the child is left as it was.
	dup := &Book{ID: 10, Title: "dup", Price: "1.00", Genre: "novel"}
	dup.Author.SetID(int64(2))
	_, err = ann.Books.Create(ctx, dup)
	assert.ErrorIs(t, err, orm.ErrUniqueViolation)
	assert.ErrorContains(t, err, "Author.books.Create")
	assert.Equal(t, int64(2), dup.Author.ID())
	assert.False(t, dup.Author.Loaded())

	_, err = ann.Books.Create(ctx, nil)
	assert.ErrorContains(t, err, "nil *Book")
}

// Remove and Clear leave rows without a parent: on a NOT NULL foreign key
// they are an error, and nothing is sent.
func TestManyRemoveClearNotNull(t *testing.T) {
	ctx := writeCtx(t)
	db, c, _ := seeded(t)
	ann := authorsByName(t, ctx, db)["Ann"]
	books, _ := booksAndTags(t, ctx, db)
	c.Reset()
	err := ann.Books.Remove(ctx, books[1])
	require.Error(t, err)
	assert.ErrorContains(t, err, "Author.books.Remove: Book.author (column author_id) is NOT NULL")
	err = ann.Books.Clear(ctx)
	assert.ErrorContains(t, err, "Author.books.Clear: Book.author (column author_id) is NOT NULL")
	assert.Equal(t, 0, c.N())
	assert.Equal(t, int64(1), column(t, db, "SELECT author_id FROM book WHERE id = 1"))
}

func TestManyRemoveClearNullable(t *testing.T) {
	ctx := writeCtx(t)
	db, c, _ := seeded(t)
	authors := authorsByName(t, ctx, db)
	ann, bob, cy := authors["Ann"], authors["Bob"], authors["Cy"]

	// Cy's mentor is Bob, not Ann: refused before anything is sent.
	c.Reset()
	err := ann.Mentees.Remove(ctx, bob, cy)
	assert.ErrorContains(t, err, "argument 2, Author 3, is not related to this Author (its mentor is 2, not 1)")
	assert.Equal(t, 0, c.N())

	require.NoError(t, ann.Mentees.Remove(ctx, bob))
	assert.Equal(t, 1, c.N())
	assert.Equal(t, int64(-1), column(t, db, "SELECT mentor_id FROM author WHERE id = 2"))
	assert.False(t, bob.Mentor.Valid(), "NULL in memory too")
	m, err := bob.Mentor.Get(ctx)
	require.NoError(t, err)
	assert.Nil(t, m)

	// Changed in the database since it was read: reported.
	held := authors["Cy"]
	_, err = db.Exec(ctx, "UPDATE author SET mentor_id = NULL WHERE id = 3")
	require.NoError(t, err)
	err = bob.Mentees.Remove(ctx, held)
	assert.ErrorIs(t, err, orm.ErrNoRows)
	assert.ErrorContains(t, err, "not linked to this Author in the database")

	// Clear: every mentee of Ann, loaded ones updated in memory.
	_, err = db.Exec(ctx, "UPDATE author SET mentor_id = 1 WHERE id IN (2, 3)")
	require.NoError(t, err)
	ann2, err := queryset.New[Author](db).PrefetchRelated("mentees").Get(ctx, queryset.Q{"id": 1})
	require.NoError(t, err)
	mentees, err := ann2.Mentees.All(ctx)
	require.NoError(t, err)
	require.Len(t, mentees, 2)
	c.Reset()
	require.NoError(t, ann2.Mentees.Clear(ctx))
	assert.Equal(t, 1, c.N())
	assert.Equal(t, int64(0), column(t, db, "SELECT count(*) FROM author WHERE mentor_id IS NOT NULL"))
	for _, m := range mentees {
		assert.False(t, m.Mentor.Valid())
	}
	assert.False(t, ann2.Mentees.Loaded())
}

func TestManyWritesInTx(t *testing.T) {
	ctx := writeCtx(t)
	db, c, _ := seeded(t)
	boom := errors.New("boom")
	err := db.RunInTx(ctx, func(ctx context.Context, tx *orm.DB) error {
		authors := authorsByName(t, ctx, tx)
		books, _ := booksAndTags(t, ctx, tx)
		c.Reset()
		if err := authors["Cy"].Books.Add(ctx, books[1]); err != nil {
			return err
		}
		if _, err := authors["Cy"].Books.Create(ctx, &Book{ID: 11, Title: "Zeta", Price: "2.00", Genre: "poetry"}); err != nil {
			return err
		}
		if err := authors["Ann"].Mentees.Clear(ctx); err != nil {
			return err
		}
		assert.Equal(t, 3, c.N())
		return boom
	})
	require.ErrorIs(t, err, boom)
	assert.Equal(t, int64(1), column(t, db, "SELECT author_id FROM book WHERE id = 1"), "rolled back")
	assert.Equal(t, int64(0), column(t, db, "SELECT count(*) FROM book WHERE id = 11"))
	assert.Equal(t, int64(1), column(t, db, "SELECT mentor_id FROM author WHERE id = 2"))
}
