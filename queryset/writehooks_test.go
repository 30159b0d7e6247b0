package queryset_test

import (
	"context"
	"testing"
	"time"

	"github.com/eagerorm/eager/orm"
	"github.com/eagerorm/eager/queryset"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hookedTag counts its model hooks: QuerySet.Update and Delete must not
// call them (they write rows they never load, as in Django).
type hookedTag struct {
	ID        int64     `orm:"pk"`
	Name      string    `orm:"unique"`
	Color     string    `db:"color"`
	Uses      int16     `db:"uses"`
	Note      *string   `db:"note"`
	UpdatedAt time.Time `orm:"auto_now"`
}

func (hookedTag) TableName() string { return "goc_tag" }

var hookCalls int

func (*hookedTag) BeforeUpdate(context.Context) error { hookCalls++; return nil }
func (*hookedTag) BeforeDelete(context.Context) error { hookCalls++; return nil }

func TestQuerySetWritesSkipModelHooksAndTimestamps(t *testing.T) {
	ctx := context.Background()
	db, c := gocDB(t)
	old := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	_, err := db.Exec(ctx, `INSERT INTO goc_tag (name, color, uses, updated_at) VALUES ('go', 'blue', 0, $1)`, old)
	require.NoError(t, err)
	hookCalls = 0
	c.Reset()
	n, err := queryset.New[hookedTag](db).Filter(queryset.Q{"name": "go"}).Update(ctx, map[string]any{"color": "red"})
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)
	assert.Equal(t, []string{`UPDATE "goc_tag" SET "color" = $1 WHERE "goc_tag"."name" = $2`}, c.SQLs(), "auto_now is not set unless named")
	tag, err := queryset.New[hookedTag](db).Get(ctx, queryset.Q{"name": "go"})
	require.NoError(t, err)
	assert.True(t, tag.UpdatedAt.Equal(old))
	_, err = queryset.New[hookedTag](db).Filter(queryset.Q{"name": "go"}).Delete(ctx)
	require.NoError(t, err)
	assert.Zero(t, hookCalls, "QuerySet.Update and Delete call no model hook")

	// orm.Update on the object does call them.
	require.NoError(t, orm.Insert(ctx, db, tag))
	require.NoError(t, orm.Update(ctx, db, tag))
	assert.Equal(t, 1, hookCalls)
}
