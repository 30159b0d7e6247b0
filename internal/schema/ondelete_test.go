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

type onDeleteAll struct {
	ID       int64                             `orm:"pk"`
	Cascade  relations.ForeignKey[Author]      `orm:"on_delete:cascade"`
	SetNull  relations.ForeignKey[Author]      `orm:"null,on_delete:set_null"`
	Restrict relations.ForeignKey[Author]      `orm:"on_delete:restrict"`
	Protect  relations.ForeignKey[Author]      `orm:"on_delete:protect"`
	NoAction relations.ForeignKey[Author]      `orm:"on_delete:no_action"`
	SetDef   relations.ForeignKey[Author]      `orm:"null,on_delete:set_default"`
	Upper    relations.OneToOne[Author]        `orm:"on_delete:CASCADE"`
	Default  relations.ForeignKey[Author]      `orm:"null"`
	Many     relations.Many[onDeleteChild]     `orm:"reverse:Parent"`
	Tags     relations.ManyToMany[Author]      `orm:"through:od_tags"`
	Self     relations.ForeignKey[onDeleteAll] `orm:"null,on_delete:set_null"`
}

type onDeleteChild struct {
	ID     int64                             `orm:"pk"`
	Parent relations.ForeignKey[onDeleteAll] `orm:"on_delete:cascade"`
}

func TestOnDeleteActions(t *testing.T) {
	m, err := schema.Of(reflect.TypeFor[onDeleteAll]())
	require.NoError(t, err)
	want := map[string]string{
		"cascade": "CASCADE", "set_null": "SET NULL", "restrict": "RESTRICT", "protect": "NO ACTION",
		"no_action": "NO ACTION", "set_def": "SET DEFAULT", "upper": "CASCADE", "default": "", "self": "SET NULL",
	}
	for name, action := range want {
		f, ok := m.FieldByName(name)
		require.True(t, ok, name)
		assert.Equal(t, action, f.Rel.OnDelete, name)
	}
}

type setNullNotNull struct {
	ID     int64                        `orm:"pk"`
	Author relations.ForeignKey[Author] `orm:"on_delete:set_null"`
}

type setDefaultNotNull struct {
	ID     int64                      `orm:"pk"`
	Author relations.OneToOne[Author] `db:"author_ref" orm:"on_delete:set_default"`
}

type onDeleteOnMany struct {
	ID    int64                `orm:"pk"`
	Books relations.Many[Book] `orm:"reverse:Author,on_delete:cascade"`
}

type onDeleteOnColumn struct {
	ID   int64  `orm:"pk"`
	Name string `orm:"on_delete:cascade"`
}

type onDeleteBad struct {
	ID     int64                        `orm:"pk"`
	Author relations.ForeignKey[Author] `orm:"on_delete:delete"`
}

// TestOnDeleteErrors: every misuse is a *ModelError naming the model, the
// field and the value, when the model is first used.
func TestOnDeleteErrors(t *testing.T) {
	cases := []struct {
		typ          reflect.Type
		model, field string
		msg          string
	}{
		{reflect.TypeFor[setNullNotNull](), "setNullNotNull", "Author", "on_delete:set_null needs a nullable key (the action writes NULL into author_id, which is NOT NULL)"},
		{reflect.TypeFor[setDefaultNotNull](), "setDefaultNotNull", "Author", "on_delete:set_default needs a nullable key (the action writes NULL into author_ref"},
		{reflect.TypeFor[onDeleteOnMany](), "onDeleteOnMany", "Books", `"on_delete" does not apply`},
		{reflect.TypeFor[onDeleteOnColumn](), "onDeleteOnColumn", "Name", `"on_delete" does not apply`},
		{reflect.TypeFor[onDeleteBad](), "onDeleteBad", "Author", "on_delete:delete: want one of cascade, set_null, restrict, protect, no_action, set_default"},
	}
	for _, c := range cases {
		t.Run(c.model, func(t *testing.T) {
			_, err := schema.Of(c.typ)
			require.Error(t, err)
			var me *schema.ModelError
			require.True(t, errors.As(err, &me), "want *schema.ModelError, got %T", err)
			assert.Equal(t, c.model, me.Model)
			assert.Equal(t, c.field, me.Field)
			assert.Contains(t, err.Error(), c.msg)
		})
	}
}
