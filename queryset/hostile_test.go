package queryset_test

import (
	"context"
	"strings"
	"testing"

	. "github.com/eagerorm/eager/internal/testdomain"
	"github.com/eagerorm/eager/orm"
	. "github.com/eagerorm/eager/queryset"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var hostile = []string{
	`'`, `''`, `"`, `'; DROP TABLE book; --`, `"; DROP TABLE book; --`, `--`, `/* comment */`, `;`,
	`%`, `_`, `%%`, `a%b_c`, `\`, `\\`, `\%`, `\'`, `$1`, `?`, `??`, `) OR (1=1`, `' OR '1'='1`,
	"tab\there", "new\nline", "é ü 中文 🚀", "\u202e", strings.Repeat("x", 100_000),
	strings.Repeat(`'%_\`, 5_000),
}

// Hostile strings as values round-trip exactly through every text lookup,
// and the only statements reaching the server are the intended ones.
func TestHostileValues(t *testing.T) {
	ctx := context.Background()
	db, c := seeded(t)
	for i, s := range hostile {
		a := &Author{ID: int64(100 + i), Name: s}
		require.NoError(t, orm.Insert(ctx, db, a))
	}
	authors := New[Author](db)
	for i, s := range hostile {
		id := int64(100 + i)
		for _, lookup := range []string{"", "__iexact", "__contains", "__icontains", "__startswith", "__istartswith",
			"__endswith", "__iendswith"} {
			c.Reset()
			found, err := authors.Filter(Q{"name" + lookup: s}).All(ctx)
			require.NoError(t, err, "lookup %q value #%d", lookup, i)
			require.Equal(t, 1, c.N(), "exactly one statement")
			assert.True(t, strings.HasPrefix(c.SQLs()[0], `SELECT "author"."id"`))
			var got []int64
			for _, f := range found {
				got = append(got, f.ID)
				if f.ID == id {
					assert.Equal(t, s, f.Name, "value #%d round-trips exactly", i)
				}
			}
			assert.Contains(t, got, id, "lookup %q finds value #%d", lookup, i)
			if lookup == "" || lookup == "__iexact" {
				assert.Len(t, got, 1, "lookup %q matches only value #%d", lookup, i)
			}
		}
		assert.Equal(t, mustSQL(t, authors.Filter(Q{"name__contains": "benign"})), mustSQL(t, authors.Filter(Q{"name__contains": s})),
			"the SQL text does not depend on the value: values never reach it")
	}
	n, err := New[Book](db).Count(ctx)
	require.NoError(t, err)
	assert.EqualValues(t, 4, n, "the book table is intact")

	t.Run("NUL is rejected before sending", func(t *testing.T) {
		c.Reset()
		_, err := authors.Filter(Q{"name__contains": "a\x00b"}).All(ctx)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "NUL byte")
		assert.Contains(t, err.Error(), "Author")
		_, err = authors.Filter(Q{"name": "a\x00b"}).All(ctx)
		assert.ErrorContains(t, err, "NUL byte")
		assert.Equal(t, 0, c.N())
	})
}

// Hostile strings as field names are rejected with an error naming the model
// and sent nowhere.
func TestHostileFieldNames(t *testing.T) {
	ctx := context.Background()
	db, c := seeded(t)
	names := append(append([]string{}, hostile...), "name; DROP TABLE author", `name" = '' OR "1`, "name__", "__name",
		"name____", "name__exact__exact", "books__", "pk__pk", "name\x00", "", " name", "NAME", "id)--")
	c.Reset()
	for _, name := range names {
		for _, run := range []func() error{
			func() error { _, err := New[Author](db).Filter(Q{name: "x"}).All(ctx); return err },
			func() error { _, err := New[Author](db).Exclude(Q{name: "x"}).Count(ctx); return err },
			func() error { _, err := New[Author](db).OrderBy(name).All(ctx); return err },
			func() error { _, err := New[Author](db).OrderBy("-" + name).All(ctx); return err },
			func() error { _, err := Values(ctx, New[Author](db), name); return err },
			func() error { _, err := New[Author](db).Filter(Q{"id__gt": F(name)}).All(ctx); return err },
			func() error { _, err := New[Author](db).Update(ctx, map[string]any{name: "x"}); return err },
			func() error { _, err := New[Author](db).GroupBy(name).Annotate(Count("*")).Values(ctx); return err },
			func() error { _, err := Aggregate(ctx, New[Author](db), Sum(name)); return err },
		} {
			err := run()
			require.Error(t, err, "field name %q", name)
			assert.Contains(t, err.Error(), "Author", "field name %q", name)
		}
	}
	assert.Equal(t, 0, c.N(), "no statement reached the server")
	n, err := New[Author](db).Count(ctx)
	require.NoError(t, err)
	assert.EqualValues(t, 3, n)
}

func mustSQL[T any](t *testing.T, qs QuerySet[T]) string {
	t.Helper()
	sql, _, err := qs.SQL()
	require.NoError(t, err)
	return sql
}
