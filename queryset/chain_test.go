package queryset_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	. "github.com/eagerorm/eager/internal/testdomain"
	"github.com/eagerorm/eager/orm"
	. "github.com/eagerorm/eager/queryset"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The same Prefetch given twice merges; two that are equal merge; two
// different querysets for one path are the error that already exists,
// returned before anything is sent. Nothing panics.
func TestPrefetchGivenTwice(t *testing.T) {
	ctx := context.Background()
	db, c := seeded(t)
	p := Prefetch("books", New[Book](db).OrderBy("-pages"))
	for name, qs := range map[string]QuerySet[Author]{
		"same value":           New[Author](db).PrefetchRelated(p).PrefetchRelated(p),
		"same value, one call": New[Author](db).PrefetchRelated(p, p),
		"equal querysets": New[Author](db).PrefetchRelated(Prefetch("books", New[Book](db).OrderBy("-pages"))).
			PrefetchRelated(Prefetch("Books", New[Book](db).OrderBy("-pages"))),
		"and by name below": New[Author](db).PrefetchRelated(p, "books__tags").PrefetchRelated(p),
	} {
		c.Reset()
		authors, err := qs.OrderBy("id").All(ctx)
		require.NoError(t, err, name)
		books, err := authors[0].Books.All(ctx)
		require.NoError(t, err, name)
		assert.Equal(t, "Beta", books[0].Title, "%s: the Prefetch's order", name)
		assert.LessOrEqual(t, c.N(), 3, name)
	}

	c.Reset()
	_, err := New[Author](db).PrefetchRelated(p, Prefetch("books", New[Book](db).OrderBy("pages"))).All(ctx)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "two querysets")
	assert.Equal(t, 0, c.N(), "a conflict is found before the first statement")
}

// Unknown relations anywhere in the prefetch tree, and errors in a
// Prefetch's queryset, come back before the main SELECT is sent.
func TestPrefetchErrorsBeforeAnyStatement(t *testing.T) {
	ctx := context.Background()
	db, c := seeded(t)
	authors := New[Author](db)
	for name, qs := range map[string]QuerySet[Author]{
		"unknown":               authors.PrefetchRelated("itemz"),
		"unknown nested":        authors.PrefetchRelated("books__itemz"),
		"column":                authors.PrefetchRelated("books__title"),
		"empty":                 authors.PrefetchRelated(""),
		"wrong model":           authors.PrefetchRelated(Prefetch("books", New[Author](db))),
		"bad filter inside":     authors.PrefetchRelated(Prefetch("books", New[Book](db).Filter(Q{"nosuch": 1}))),
		"bad value inside":      authors.PrefetchRelated(Prefetch("books", New[Book](db).Filter(Q{"pages": "many"}))),
		"bad order inside":      authors.PrefetchRelated(Prefetch("books", New[Book](db).OrderBy("reviews"))),
		"bad select inside":     authors.PrefetchRelated(Prefetch("books", New[Book](db).SelectRelated("tags"))),
		"bad prefetch inside":   authors.PrefetchRelated(Prefetch("books", New[Book](db).PrefetchRelated("itemz"))),
		"bad two levels down":   authors.PrefetchRelated(Prefetch("books", New[Book](db).PrefetchRelated(Prefetch("reviews", New[Review](db).Filter(Q{"starz": 1}))))),
		"zero queryset":         authors.PrefetchRelated(Prefetch("books", QuerySet[Book]{})),
		"zero Prefetch":         authors.PrefetchRelated(PrefetchSpec{}),
		"nil lookup":            authors.PrefetchRelated(nil),
		"not a lookup":          authors.PrefetchRelated(42),
		"invalid model inside":  authors.PrefetchRelated(Prefetch("books", New[struct{ X int }](db))),
		"prefetch before error": authors.PrefetchRelated("books").PrefetchRelated("bookz"),
	} {
		c.Reset()
		_, err := qs.All(ctx)
		require.Error(t, err, name)
		_, err = qs.First(ctx)
		require.Error(t, err, name)
		for _, err := range qs.Iter(ctx) {
			require.Error(t, err, name)
		}
		require.Error(t, qs.Err(), "%s: kept by the chain", name)
		assert.Equal(t, 0, c.N(), "%s: nothing is sent", name)
	}
	_, err := authors.PrefetchRelated("bookz").All(ctx)
	var fe *orm.FieldError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "Author", fe.Model)
	assert.Equal(t, "books", fe.Suggest)
}

// Nil and zero inputs give errors, never panics.
func TestNilInputs(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var typedNilPool *pgxpool.Pool
	for name, qs := range map[string]QuerySet[Book]{
		"New(nil)":              New[Book](nil),
		"zero QuerySet":         {},
		"orm.New(nil)":          New[Book](orm.New(nil)),
		"orm.New(typed nil)":    New[Book](orm.New(typedNilPool)),
		"zero, then chained":    QuerySet[Book]{}.Filter(Q{"id": 1}).OrderBy("id").SelectRelated("author").PrefetchRelated("tags").Limit(1),
		"orm.New(nil), chained": New[Book](orm.New(nil)).PrefetchRelated("tags").Filter(Q{"id": 1}),
	} {
		errs := map[string]error{}
		_, errs["All"] = qs.All(ctx)
		_, errs["Get"] = qs.Get(ctx)
		_, errs["First"] = qs.First(ctx)
		_, errs["Last"] = qs.Last(ctx)
		_, errs["Count"] = qs.Count(ctx)
		_, errs["Exists"] = qs.Exists(ctx)
		_, _, errs["SQL"] = qs.SQL()
		_, errs["Explain"] = qs.Explain(ctx)
		_, errs["Update"] = qs.Update(ctx, map[string]any{"pages": 1})
		_, errs["Update nothing"] = qs.Update(ctx, nil)
		_, errs["Delete"] = qs.Delete(ctx)
		_, errs["Values"] = Values(ctx, qs)
		_, errs["ValuesList"] = ValuesList[string](ctx, qs, "title")
		_, errs["Aggregate"] = Aggregate(ctx, qs, Count("*"))
		_, errs["GroupBy"] = qs.GroupBy().Values(ctx)
		for _, err := range qs.Iter(ctx) {
			errs["Iter"] = err
		}
		for method, err := range errs {
			if name == "orm.New(nil)" || name == "orm.New(typed nil)" || name == "orm.New(nil), chained" {
				if method == "SQL" {
					assert.NoError(t, err, "%s: SQL sends nothing", name)
					continue
				}
			}
			assert.Error(t, err, fmt.Sprintf("%s %s", name, method))
		}
	}
	_, err := QuerySet[Book]{}.All(ctx)
	assert.ErrorContains(t, err, "queryset.New")
	_, err = New[Book](orm.New(nil)).All(ctx)
	assert.ErrorContains(t, err, "orm.New(nil)")
}
