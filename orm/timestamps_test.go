package orm_test

import (
	"context"
	"testing"
	"time"

	"github.com/eagerorm/eager/internal/schema"
	"github.com/eagerorm/eager/orm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type Note struct {
	ID        int64      `orm:"pk"`
	Body      string     `db:"body"`
	CreatedAt time.Time  `orm:"auto_now_add"`
	UpdatedAt *time.Time `orm:"auto_now"`
}

func TestTimestamps(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, rec := newDB(t)
	createTable(t, db, model[Note](t))
	rec.reset()

	before := time.Now().Add(-time.Second)
	n := &Note{Body: "a"}
	require.NoError(t, orm.Insert(ctx, db, n))
	require.NotNil(t, n.UpdatedAt)
	assert.True(t, n.CreatedAt.After(before))
	assert.True(t, n.CreatedAt.Equal(*n.UpdatedAt), "one time for one write")
	var created, updated time.Time
	require.NoError(t, db.QueryRow(ctx, `SELECT created_at, updated_at FROM note WHERE id = $1`, n.ID).Scan(&created, &updated))
	assert.True(t, created.Equal(n.CreatedAt), "the object holds what was stored: %v vs %v", created, n.CreatedAt)

	// Update, even of other named fields, sets auto_now and leaves auto_now_add.
	firstUpdate := *n.UpdatedAt
	time.Sleep(2 * time.Millisecond)
	rec.reset()
	n.Body = "b"
	require.NoError(t, orm.Update(ctx, db, n, "body"))
	assert.Equal(t, []string{`UPDATE "note" SET "body" = $1, "updated_at" = $2 WHERE "id" = $3`}, rec.sqls())
	assert.True(t, n.UpdatedAt.After(firstUpdate))
	require.NoError(t, db.QueryRow(ctx, `SELECT created_at, updated_at FROM note WHERE id = $1`, n.ID).Scan(&created, &updated))
	assert.True(t, created.Equal(n.CreatedAt))
	assert.True(t, updated.Equal(*n.UpdatedAt))

	// An auto_now_add the caller set is kept (an import keeps its dates).
	when := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	old := &Note{Body: "old", CreatedAt: when}
	require.NoError(t, orm.BulkInsert(ctx, db, []*Note{old, {Body: "new"}}))
	assert.True(t, old.CreatedAt.Equal(when))
	assert.NotNil(t, old.UpdatedAt)

	// A failed write leaves the object as it was.
	dup := &Note{ID: n.ID, Body: "dup"}
	require.Error(t, orm.Insert(ctx, db, dup))
	assert.True(t, dup.CreatedAt.IsZero())
	assert.Nil(t, dup.UpdatedAt)
}

type badStamp struct {
	ID      int64  `orm:"pk"`
	Created string `orm:"auto_now_add"`
}

type bothStamps struct {
	ID      int64     `orm:"pk"`
	Created time.Time `orm:"auto_now,auto_now_add"`
}

func TestTimestampTagErrors(t *testing.T) {
	_, err := schema.For[badStamp]()
	var me *orm.ModelError
	require.ErrorAs(t, err, &me)
	assert.Equal(t, `orm: model badStamp, field Created: orm:"auto_now_add" on a string field: it needs time.Time or *time.Time`, err.Error())
	_, err = schema.For[bothStamps]()
	require.ErrorAs(t, err, &me)
	assert.Contains(t, err.Error(), `field Created: orm:"auto_now" and orm:"auto_now_add" together`)
}
