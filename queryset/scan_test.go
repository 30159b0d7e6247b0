package queryset_test

import (
	"context"
	"testing"
	"time"

	"github.com/eagerorm/eager/internal/pgtest"
	"github.com/eagerorm/eager/orm"
	. "github.com/eagerorm/eager/queryset"
	"github.com/eagerorm/eager/relations"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Shelf declares its primary key after a nullable column: the scanner
// must test the key's own column to tell a LEFT-joined row that is there
// from one that is not.
type Shelf struct {
	Label *string `db:"label"`
	ID    int64   `db:"id" orm:"pk"`
}

type Jar struct {
	ID    int64                       `db:"id" orm:"pk"`
	Shelf relations.ForeignKey[Shelf] `db:"shelf_id" orm:"null"`
}

// A SelectRelated object whose first column is NULL is still there: it
// was once reported missing (the scanner read the first column as the key).
func TestSelectRelatedKeyNotFirstColumn(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db := orm.New(pgtest.New(t).Pool)
	_, err := db.Exec(ctx, `CREATE TABLE shelf (label text, id bigint PRIMARY KEY);
		CREATE TABLE jar (id bigint PRIMARY KEY, shelf_id bigint);
		INSERT INTO shelf VALUES (NULL, 1);
		INSERT INTO jar VALUES (1, 1), (2, NULL), (3, 99)`)
	require.NoError(t, err)

	jars, err := New[Jar](db).SelectRelated("shelf").OrderBy("id").All(ctx)
	require.NoError(t, err)
	require.Len(t, jars, 3)
	s, err := jars[0].Shelf.Get(ctx)
	require.NoError(t, err, "a shelf whose label is NULL is found")
	require.NotNil(t, s)
	assert.Equal(t, int64(1), s.ID)
	assert.Nil(t, s.Label)
	s, err = jars[1].Shelf.Get(ctx)
	assert.NoError(t, err)
	assert.Nil(t, s, "a NULL key has no shelf")
	_, err = jars[2].Shelf.Get(ctx)
	var missing *relations.MissingRowError
	assert.ErrorAs(t, err, &missing, "a key pointing at no row is reported")
}
