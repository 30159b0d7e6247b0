package relations_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	. "github.com/eagerorm/eager/internal/testdomain"
	"github.com/eagerorm/eager/queryset"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// describe renders what a row's relation holds, through its accessor, so
// that the same function reads a lazily loaded, a selected and a prefetched
// relation.
type describe[T any] func(ctx context.Context, row *T) (string, error)

// strategies loads base's rows three ways - the naive loop (lazy access),
// SelectRelated (to-one only) and PrefetchRelated - and checks that every
// way sees the same values, the eager ones with a fixed number of statements.
func strategies[T any](t *testing.T, c *counter, base queryset.QuerySet[T], path string, toOne bool, levels int, read describe[T]) {
	t.Helper()
	ctx := context.Background()
	collect := func(rows []*T) []string {
		t.Helper()
		out := make([]string, len(rows))
		for i, r := range rows {
			s, err := read(ctx, r)
			require.NoError(t, err)
			out[i] = s
		}
		return out
	}

	c.Reset()
	rows, err := base.All(ctx)
	require.NoError(t, err)
	naive := collect(rows)
	lazyStatements := c.N() - 1
	assert.Greater(t, lazyStatements, 0, "the naive loop loads lazily")

	if toOne {
		c.Reset()
		rows, err := base.SelectRelated(path).All(ctx)
		require.NoError(t, err)
		assert.Equal(t, naive, collect(rows), "SelectRelated(%q) sees what the naive loop sees", path)
		assert.Equal(t, 1, c.N(), "SelectRelated(%q) is one statement", path)
	}

	c.Reset()
	rows, err = base.PrefetchRelated(path).All(ctx)
	require.NoError(t, err)
	assert.Equal(t, naive, collect(rows), "PrefetchRelated(%q) sees what the naive loop sees", path)
	assert.Equal(t, 1+levels, c.N(), "PrefetchRelated(%q) is 1 + %d statements: %v", path, levels, c.SQLs())
}

func name(a *Author) string {
	if a == nil {
		return "<nil>"
	}
	return a.Name
}

func names[T any](items []*T, f func(*T) string) string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = f(it)
	}
	slices.Sort(out)
	return "[" + strings.Join(out, " ") + "]"
}

func TestEveryRelationKindEveryStrategy(t *testing.T) {
	db, c, _ := seeded(t)
	books := queryset.New[Book](db).OrderBy("id")
	authors := queryset.New[Author](db).OrderBy("id")

	t.Run("foreign key", func(t *testing.T) {
		strategies(t, c, books, "author", true, 1, func(ctx context.Context, b *Book) (string, error) {
			a, err := b.Author.Get(ctx)
			return name(a), err
		})
	})
	t.Run("nullable foreign key", func(t *testing.T) {
		strategies(t, c, books, "publisher", true, 1, func(ctx context.Context, b *Book) (string, error) {
			p, err := b.Publisher.Get(ctx)
			if p == nil {
				return "<nil>", err
			}
			return p.Name, err
		})
	})
	t.Run("second foreign key to the same table", func(t *testing.T) {
		strategies(t, c, books, "translator", true, 1, func(ctx context.Context, b *Book) (string, error) {
			a, err := b.Translator.Get(ctx)
			return name(a), err
		})
	})
	t.Run("self-referential foreign key", func(t *testing.T) {
		strategies(t, c, authors, "mentor", true, 1, func(ctx context.Context, a *Author) (string, error) {
			m, err := a.Mentor.Get(ctx)
			return name(m), err
		})
	})
	t.Run("one-to-one", func(t *testing.T) {
		strategies(t, c, queryset.New[Profile](db).OrderBy("id"), "author", true, 1, func(ctx context.Context, p *Profile) (string, error) {
			a, err := p.Author.Get(ctx)
			return name(a), err
		})
	})
	t.Run("reverse one-to-one", func(t *testing.T) {
		strategies(t, c, authors, "profile", true, 1, func(ctx context.Context, a *Author) (string, error) {
			p, err := a.Profile.Get(ctx)
			if p == nil {
				return "<nil>", err
			}
			return p.Bio, err
		})
	})
	t.Run("reverse foreign key", func(t *testing.T) {
		strategies(t, c, authors, "books", false, 1, func(ctx context.Context, a *Author) (string, error) {
			bs, err := a.Books.All(ctx)
			return names(bs, func(b *Book) string { return b.Title }), err
		})
	})
	t.Run("self-referential reverse", func(t *testing.T) {
		strategies(t, c, authors, "mentees", false, 1, func(ctx context.Context, a *Author) (string, error) {
			ms, err := a.Mentees.All(ctx)
			return names(ms, name), err
		})
	})
	t.Run("many-to-many", func(t *testing.T) {
		strategies(t, c, books, "tags", false, 1, func(ctx context.Context, b *Book) (string, error) {
			ts, err := b.Tags.All(ctx)
			return names(ts, func(t *Tag) string { return t.Name }), err
		})
	})
	t.Run("many-to-many from the other side", func(t *testing.T) {
		strategies(t, c, queryset.New[Tag](db).OrderBy("id"), "books", false, 1, func(ctx context.Context, tg *Tag) (string, error) {
			bs, err := tg.Books.All(ctx)
			return names(bs, func(b *Book) string { return b.Title }), err
		})
	})
	t.Run("many-to-many through a model with extra columns", func(t *testing.T) {
		strategies(t, c, authors, "awards", false, 1, func(ctx context.Context, a *Author) (string, error) {
			aw, err := a.Awards.All(ctx)
			return names(aw, func(w *Award) string { return w.Name }), err
		})
		rows, err := queryset.New[AuthorAward](db).SelectRelated("author", "award").OrderBy("year").All(context.Background())
		require.NoError(t, err)
		var got []string
		for _, r := range rows {
			a, _ := r.Author.Get(context.Background())
			w, _ := r.Award.Get(context.Background())
			got = append(got, fmt.Sprintf("%s %s %d", a.Name, w.Name, r.Year))
		}
		assert.Equal(t, []string{"Ann Hugo 2001", "Ann Nebula 2003", "Bob Hugo 2010"}, got)
	})

	t.Run("nested to-one", func(t *testing.T) {
		strategies(t, c, books, "publisher__country", true, 2, func(ctx context.Context, b *Book) (string, error) {
			p, err := b.Publisher.Get(ctx)
			if p == nil || err != nil {
				return "<nil>", err
			}
			co, err := p.Country.Get(ctx)
			if co == nil {
				return p.Name + "/<nil>", err
			}
			return p.Name + "/" + co.Name, err
		})
	})
	t.Run("reverse, then many-to-many", func(t *testing.T) {
		strategies(t, c, authors, "books__tags", false, 2, func(ctx context.Context, a *Author) (string, error) {
			bs, err := a.Books.All(ctx)
			if err != nil {
				return "", err
			}
			var parts []string
			for _, b := range bs {
				ts, err := b.Tags.All(ctx)
				if err != nil {
					return "", err
				}
				parts = append(parts, b.Title+names(ts, func(t *Tag) string { return t.Name }))
			}
			slices.Sort(parts)
			return strings.Join(parts, ","), nil
		})
	})
	t.Run("reverse, then forward, then forward", func(t *testing.T) {
		strategies(t, c, authors, "books__publisher__country", false, 3, func(ctx context.Context, a *Author) (string, error) {
			bs, err := a.Books.All(ctx)
			if err != nil {
				return "", err
			}
			var parts []string
			for _, b := range bs {
				p, err := b.Publisher.Get(ctx)
				if err != nil {
					return "", err
				}
				if p == nil {
					parts = append(parts, b.Title+":-")
					continue
				}
				co, err := p.Country.Get(ctx)
				if err != nil {
					return "", err
				}
				cn := "-"
				if co != nil {
					cn = co.Name
				}
				parts = append(parts, b.Title+":"+p.Name+"/"+cn)
			}
			slices.Sort(parts)
			return strings.Join(parts, ","), nil
		})
	})
}
