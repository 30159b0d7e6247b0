package schema_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/eagerorm/eager/internal/schema"
	"github.com/eagerorm/eager/relations"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A through model with extra columns: its key is the pair of foreign keys.
type cOrder struct {
	ID      int64                           `db:"id" orm:"pk"`
	Tags    relations.ManyToMany[cTag]      `orm:"through:c_order_tags,from:order_id,to:tag_id"`
	Links   relations.Many[cOrderTag]       `orm:"reverse:Order"`
	Primary relations.OneToOne[cOrderExtra] `orm:"reverse:Order"`
}

type cTag struct {
	ID   int64  `db:"id" orm:"pk"`
	Name string `db:"name"`
}

type cOrderTag struct {
	Order relations.ForeignKey[cOrder] `db:"order_id" orm:"pk"`
	Tag   relations.ForeignKey[cTag]   `db:"tag_id" orm:"pk"`
	Note  string                       `db:"note"`
}

func (cOrderTag) TableName() string { return "c_order_tags" }

// A composite key of plain columns, and one of a column and a foreign key.
type cPlain struct {
	A int64  `orm:"pk"`
	B string `orm:"pk"`
	C int32
}

type cOrderExtra struct {
	Order relations.OneToOne[cOrder] `db:"order_id" orm:"pk"`
	Slot  int16                      `db:"slot" orm:"pk"`
}

func TestCompositeKey(t *testing.T) {
	m, err := schema.Of(reflect.TypeFor[cOrderTag]())
	require.NoError(t, err)
	assert.Nil(t, m.PK, "no single primary key")
	assert.True(t, m.Composite())
	require.Len(t, m.Key, 2)
	assert.Equal(t, []string{"order", "tag"}, m.KeyNames())
	for _, f := range m.Key {
		assert.True(t, f.KeyPart)
		assert.False(t, f.PK, "no part alone identifies a row")
		assert.False(t, f.Auto)
		assert.True(t, f.IsKey())
		assert.Equal(t, "bigint", f.SQLType)
	}
	assert.Equal(t, []schema.Hop{{"c_order_tags", "order_id", "c_order", "id"}}, m.Key[0].Rel.Hops)
	assert.False(t, m.Key[0].Rel.Optional(), "a key part is never NULL: an inner join")

	// "pk" names no field: the error says why.
	_, ok := m.FieldByName("pk")
	assert.False(t, ok)
	fe := m.UnknownField("pk")
	assert.Contains(t, fe.Error(), "cOrderTag has a composite primary key (order, tag): name its fields")

	// The reverse of a key part: its link is not unique per key.
	o, err := schema.Of(reflect.TypeFor[cOrder]())
	require.NoError(t, err)
	links, _ := o.FieldByName("links")
	assert.Equal(t, []schema.Hop{{"c_order", "id", "c_order_tags", "order_id"}}, links.Rel.Hops)
	assert.False(t, links.Rel.To.PK)

	p, err := schema.Of(reflect.TypeFor[cPlain]())
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b"}, p.KeyNames())
	assert.False(t, p.Key[0].Auto, "no part of a composite key is an identity")

	x, err := schema.Of(reflect.TypeFor[cOrderExtra]())
	require.NoError(t, err)
	assert.Equal(t, []string{"order", "slot"}, x.KeyNames())
}

type cFKToComposite struct {
	ID   int64                           `orm:"pk"`
	Link relations.ForeignKey[cOrderTag] `db:"link_id"`
}

type cM2MToComposite struct {
	ID    int64                           `orm:"pk"`
	Links relations.ManyToMany[cOrderTag] `orm:"through:x_links"`
}

type cM2MFromComposite struct {
	A    int64                      `orm:"pk"`
	B    int64                      `orm:"pk"`
	Tags relations.ManyToMany[cTag] `orm:"through:y_tags"`
}

type cSingleFKKey struct {
	Order relations.ForeignKey[cOrder] `db:"order_id" orm:"pk"`
}

type cNullKeyPart struct {
	Order relations.ForeignKey[cOrder] `db:"order_id" orm:"pk,null"`
	Tag   relations.ForeignKey[cTag]   `db:"tag_id" orm:"pk"`
}

func TestCompositeKeyRefused(t *testing.T) {
	for _, c := range []struct {
		typ          reflect.Type
		model, field string
		msg          string
	}{
		{reflect.TypeFor[cFKToComposite](), "cFKToComposite", "Link", "cOrderTag has a composite primary key (order, tag): a ForeignKey needs a single key column to point at"},
		{reflect.TypeFor[cM2MToComposite](), "cM2MToComposite", "Links", "a ManyToMany needs a single key column"},
		{reflect.TypeFor[cM2MFromComposite](), "cM2MFromComposite", "Tags", "cM2MFromComposite has a composite primary key (a, b): a ManyToMany from it needs a single key column to start at"},
		{reflect.TypeFor[cSingleFKKey](), "cSingleFKKey", "Order", `orm:"pk" on a ForeignKey alone is not supported`},
		{reflect.TypeFor[cNullKeyPart](), "cNullKeyPart", "Order", "a primary key cannot be nullable"},
	} {
		t.Run(c.model, func(t *testing.T) {
			_, err := schema.Of(c.typ)
			require.Error(t, err)
			var me *schema.ModelError
			require.True(t, errors.As(err, &me), "want *schema.ModelError, got %T", err)
			for me.Err != nil && errors.As(me.Err, &me) {
			}
			assert.Equal(t, c.model, me.Model)
			assert.Equal(t, c.field, me.Field)
			assert.Contains(t, err.Error(), c.msg)
		})
	}
}
