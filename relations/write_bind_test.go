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

// A row orm.Insert wrote is bound to the DB that wrote it, as a row read
// through it is: its relations load and write through that DB.
func TestInsertBindsTheRow(t *testing.T) {
	ctx := writeCtx(t)
	db, c, _ := seeded(t)
	dee := &Author{ID: 10, Name: "Dee"}
	require.NoError(t, orm.Insert(ctx, db, dee))

	c.Reset()
	b, err := dee.Books.Create(ctx, &Book{ID: 20, Title: "Eta", Price: "3.00", Genre: "essay",
		Published: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
	tags, err := queryset.New[Tag](db).Filter(queryset.Q{"name__in": []string{"red", "blue"}}).All(ctx)
	require.NoError(t, err)
	c.Reset()
	require.NoError(t, b.Tags.Add(ctx, tags...), "the created child is bound too")
	assert.Equal(t, 1, c.N())
	assert.Equal(t, []int64{1, 2}, links(t, db, 20))

	// Loads work as on a row read with a QuerySet: lazily, one query.
	c.Reset()
	books, err := dee.Books.All(ctx)
	require.NoError(t, err)
	require.Len(t, books, 1)
	assert.Equal(t, "Eta", books[0].Title)
	assert.Equal(t, 1, c.N())
}

func TestInsertInTxBindsToTheTx(t *testing.T) {
	ctx := writeCtx(t)
	db, _, _ := seeded(t)
	boom := errors.New("boom")
	var held *Author
	err := db.RunInTx(ctx, func(ctx context.Context, tx *orm.DB) error {
		dee := &Author{ID: 10, Name: "Dee"}
		if err := orm.Insert(ctx, tx, dee); err != nil {
			return err
		}
		held = dee
		if _, err := dee.Books.Create(ctx, &Book{ID: 20, Title: "Eta", Price: "3.00", Genre: "essay"}); err != nil {
			return err
		}
		bob, err := queryset.New[Author](tx).Get(ctx, queryset.Q{"name": "Bob"})
		if err != nil {
			return err
		}
		return errors.Join(dee.Mentees.Add(ctx, bob), boom)
	})
	require.ErrorIs(t, err, boom)
	assert.Equal(t, int64(0), column(t, db, "SELECT count(*) FROM book WHERE id = 20"), "rolled back with the tx")
	assert.Equal(t, int64(1), column(t, db, "SELECT mentor_id FROM author WHERE id = 2"))
	_, err = held.Books.Create(ctx, &Book{ID: 21})
	assert.ErrorContains(t, err, "transaction that has ended")
}
