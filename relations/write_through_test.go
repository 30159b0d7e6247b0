package relations_test

import (
	"context"
	"errors"
	"testing"

	"github.com/eagerorm/eager/internal/pgtest"
	"github.com/eagerorm/eager/internal/testdomain"
	"github.com/eagerorm/eager/orm"
	"github.com/eagerorm/eager/queryset"
	"github.com/eagerorm/eager/relations"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A through model with an extra column, keyed by its pair of foreign keys
// (Django's through=, ent's edge schema): its rows are written with
// orm.Insert / Update / Delete and read with a QuerySet, and the
// ManyToMany over the same table still adds and removes plain links.
type TOrder struct {
	ID    int64                         `db:"id" orm:"pk"`
	Ref   string                        `db:"ref"`
	Tags  relations.ManyToMany[TTag]    `orm:"through:t_order_tags,from:order_id,to:tag_id"`
	Links relations.Many[TOrderTag]     `orm:"reverse:Order"`
	Buyer relations.ForeignKey[TPerson] `db:"buyer_id" orm:"null"`
	Notes relations.Many[TOrderTagNote] `orm:"reverse:Order"`
}

type TTag struct {
	ID   int64  `db:"id" orm:"pk"`
	Name string `db:"name"`
}

type TPerson struct {
	ID int64 `db:"id" orm:"pk"`
}

type TOrderTag struct {
	Order   relations.ForeignKey[TOrder] `db:"order_id" orm:"pk"`
	Tag     relations.ForeignKey[TTag]   `db:"tag_id" orm:"pk"`
	AddedBy string                       `db:"added_by" orm:"default:'system'"`
}

func (TOrderTag) TableName() string { return "t_order_tags" }

// TOrderTagNote has a composite key of a foreign key and a column.
type TOrderTagNote struct {
	Order relations.ForeignKey[TOrder] `db:"order_id" orm:"pk"`
	Line  int32                        `db:"line" orm:"pk"`
	Text  string                       `db:"text"`
}

const throughDDL = `
CREATE TABLE t_person (id bigint PRIMARY KEY);
CREATE TABLE t_order (id bigint PRIMARY KEY, ref text NOT NULL, buyer_id bigint REFERENCES t_person);
CREATE TABLE t_tag (id bigint PRIMARY KEY, name text NOT NULL);
CREATE TABLE t_order_tags (order_id bigint NOT NULL REFERENCES t_order, tag_id bigint NOT NULL REFERENCES t_tag,
	added_by text NOT NULL DEFAULT 'system', PRIMARY KEY (order_id, tag_id));
CREATE TABLE t_order_tag_note (order_id bigint NOT NULL REFERENCES t_order, line integer NOT NULL, text text NOT NULL,
	PRIMARY KEY (order_id, line));
INSERT INTO t_order VALUES (1, 'A', NULL), (2, 'B', NULL);
INSERT INTO t_tag VALUES (1, 'red'), (2, 'blue'), (3, 'green');
`

func throughDB(t *testing.T) (*orm.DB, *counter) {
	t.Helper()
	tdb := pgtest.New(t)
	_, err := tdb.Pool.Exec(context.Background(), throughDDL)
	require.NoError(t, err)
	c := &testdomain.Counter{}
	return orm.New(tdb.Pool, orm.WithHook(c)), c
}

func TestThroughModelRows(t *testing.T) {
	ctx := writeCtx(t)
	db, c := throughDB(t)
	orders, err := queryset.New[TOrder](db).OrderBy("id").All(ctx)
	require.NoError(t, err)
	tags, err := queryset.New[TTag](db).OrderBy("id").All(ctx)
	require.NoError(t, err)
	a, b := orders[0], orders[1]

	// Written with orm.Insert: the key is the pair, the extra column its default.
	link := &TOrderTag{AddedBy: "ann"}
	link.Order.Set(a)
	link.Tag.Set(tags[0])
	require.NoError(t, orm.Insert(ctx, db, link))
	dup := &TOrderTag{}
	dup.Order.Set(a)
	dup.Tag.Set(tags[0])
	assert.ErrorIs(t, orm.Insert(ctx, db, dup), orm.ErrUniqueViolation, "the pair is the key")

	// Plain links through the ManyToMany over the same table.
	require.NoError(t, a.Tags.Add(ctx, tags[0], tags[1]))
	require.NoError(t, b.Tags.Add(ctx, tags[1]))

	// Read with a QuerySet, across the relations both ways.
	c.Reset()
	rows, err := queryset.New[TOrderTag](db).Filter(queryset.Q{"order__ref": "A"}).
		SelectRelated("tag").OrderBy("tag__name").All(ctx)
	require.NoError(t, err)
	require.Len(t, rows, 2)
	assert.Equal(t, 1, c.N())
	tg, err := rows[0].Tag.Get(ctx)
	require.NoError(t, err)
	assert.Equal(t, "blue", tg.Name)
	assert.Equal(t, "system", rows[0].AddedBy, "Add fills the key columns; the rest take their defaults")
	assert.Equal(t, "ann", rows[1].AddedBy, "an existing link kept as it was")

	first, err := queryset.New[TOrderTag](db).First(ctx)
	require.NoError(t, err)
	assert.Equal(t, []any{int64(1), int64(1)}, []any{first.Order.ID(), first.Tag.ID()}, "First orders by the whole key")
	last, err := queryset.New[TOrderTag](db).Last(ctx)
	require.NoError(t, err)
	assert.Equal(t, []any{int64(2), int64(2)}, []any{last.Order.ID(), last.Tag.ID()})

	// The reverse side loads them: each order gets its own links.
	got, err := queryset.New[TOrder](db).OrderBy("id").PrefetchRelated("links",
		queryset.Prefetch("tags", queryset.New[TTag](db).OrderBy("-name").Limit(1))).All(ctx)
	require.NoError(t, err)
	la, err := got[0].Links.All(ctx)
	require.NoError(t, err)
	lb, err := got[1].Links.All(ctx)
	require.NoError(t, err)
	assert.Len(t, la, 2)
	assert.Len(t, lb, 1)
	ta, err := got[0].Tags.All(ctx)
	require.NoError(t, err)
	require.Len(t, ta, 1)
	assert.Equal(t, "red", ta[0].Name)

	// Update and Delete find the row by the whole key.
	row := rows[1]
	row.AddedBy = "bob"
	c.Reset()
	require.NoError(t, orm.Update(ctx, db, row))
	assert.Equal(t, []string{`UPDATE "t_order_tags" SET "added_by" = $1 WHERE "order_id" = $2 AND "tag_id" = $3`}, c.SQLs())
	n, err := queryset.New[TOrderTag](db).Filter(queryset.Q{"added_by": "bob"}).Count(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(1), n, "one row, not every link of the order")
	err = orm.Update(ctx, db, row, "tag")
	var fe *orm.FieldError
	assert.True(t, errors.As(err, &fe), "a key part cannot be updated: %v", err)

	require.NoError(t, orm.Delete(ctx, db, row))
	left, err := queryset.New[TOrderTag](db).Count(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(2), left)
	err = orm.Delete(ctx, db, row)
	assert.ErrorIs(t, err, orm.ErrNoRows)
	assert.ErrorContains(t, err, "delete TOrderTag with order = 1, tag = 1")

	// A QuerySet write that joins matches rows by the whole key.
	c.Reset()
	upd, err := queryset.New[TOrderTag](db).Filter(queryset.Q{"tag__name": "blue", "order__ref": "B"}).
		Update(ctx, map[string]any{"added_by": "carl"})
	require.NoError(t, err)
	assert.Equal(t, int64(1), upd)
	assert.Contains(t, c.SQLs()[0], `("t_order_tags"."order_id", "t_order_tags"."tag_id") IN (SELECT`)
	n, err = queryset.New[TOrderTag](db).Filter(queryset.Q{"added_by": "carl"}).Count(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)

	// A key of a foreign key and a column: rows per order, loaded per order.
	for i, o := range []*TOrder{a, a, b} {
		note := &TOrderTagNote{Line: int32(i + 1), Text: "n"}
		note.Order.Set(o)
		require.NoError(t, orm.Insert(ctx, db, note))
	}
	got, err = queryset.New[TOrder](db).OrderBy("id").PrefetchRelated("notes").All(ctx)
	require.NoError(t, err)
	na, err := got[0].Notes.All(ctx)
	require.NoError(t, err)
	assert.Len(t, na, 2)

	// FetchPeers on rows with a composite key, a copy of one included.
	peers, err := queryset.New[TOrderTag](db.WithLoadMode(orm.FetchPeers)).All(ctx)
	require.NoError(t, err)
	require.Len(t, peers, 2)
	cp := *peers[1]
	c.Reset()
	ct, err := cp.Tag.Get(ctx)
	require.NoError(t, err)
	assert.Equal(t, cp.Tag.ID(), ct.ID)
	_, err = peers[0].Tag.Get(ctx)
	require.NoError(t, err)
	assert.Equal(t, 2, c.N(), "the copy loads its own; the peers load together")

	// "pk" names no single field here.
	_, err = queryset.New[TOrderTag](db).Filter(queryset.Q{"pk": 1}).All(ctx)
	assert.ErrorContains(t, err, "composite primary key (order, tag)")
}
