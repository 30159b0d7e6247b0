package queryset

import (
	"context"
	"fmt"
	"iter"
	"strings"

	"github.com/eagerorm/eager/internal/scan"
	"github.com/eagerorm/eager/orm"
)

// RawQuerySet is a SQL statement of your own whose rows are read into model
// T: Django's Manager.raw. Make it with Raw. Its rows are like any
// QuerySet's: bound to the DB, each other's peers, their relations loaded
// lazily, strictly or by FetchPeers by the load mode, or by PrefetchRelated.
type RawQuerySet[T any] struct {
	qs QuerySet[T]
}

// rawSQL is the statement of a RawQuerySet.
type rawSQL struct {
	sql  string
	args []any
}

// Raw runs sql (with $1, $2, ... placeholders for args) and reads its rows
// into T by column name: each column whose name is one of T's columns goes
// to that field. The result must have every column T declares (its primary
// key among them), each once, so that no field is left silently zero (a
// misspelt alias shows up as a missing column); columns T does not declare
// are ignored, as SELECT * on a table wider than the model gives (Django
// keeps them as annotations; eager has nowhere to put them). A missing or
// repeated column is an error naming it and the model, returned before any
// row is kept.
//
//	orders, err := queryset.Raw[Order](db, `SELECT * FROM orders WHERE total > $1`, 100).
//		PrefetchRelated("items").All(ctx)
//
// The statement is sent as written, through the DB's hooks (the capture
// report sees it). All sends it once; Iter reads it through a cursor, so
// it must be a query a cursor can run (SELECT, VALUES, WITH ... SELECT).
func Raw[T any](db *orm.DB, sql string, args ...any) RawQuerySet[T] {
	qs := New[T](db)
	if strings.TrimSpace(sql) == "" {
		qs.query = qs.fail(fmt.Errorf("queryset: Raw[%s]: empty statement", qs.name()))
	}
	qs.raw = &rawSQL{sql: sql, args: args}
	return RawQuerySet[T]{qs}
}

// PrefetchRelated loads relations of the rows with one more statement per
// relation, as QuerySet.PrefetchRelated does.
func (r RawQuerySet[T]) PrefetchRelated(lookups ...any) RawQuerySet[T] {
	return RawQuerySet[T]{r.qs.PrefetchRelated(lookups...)}
}

// WithLoadMode sets how the rows behave on an access to a relation that was
// not loaded, as QuerySet.WithLoadMode does.
func (r RawQuerySet[T]) WithLoadMode(m orm.LoadMode) RawQuerySet[T] {
	return RawQuerySet[T]{r.qs.WithLoadMode(m)}
}

// IterChunk sets how many rows Iter reads, prefetches for and yields at a time.
func (r RawQuerySet[T]) IterChunk(n int) RawQuerySet[T] {
	return RawQuerySet[T]{r.qs.IterChunk(n)}
}

// All runs the statement and returns every row, with the relations
// PrefetchRelated names loaded.
func (r RawQuerySet[T]) All(ctx context.Context) ([]*T, error) { return r.qs.All(ctx) }

// Iter runs the statement through a cursor and yields rows a chunk at a
// time, as QuerySet.Iter does.
func (r RawQuerySet[T]) Iter(ctx context.Context) iter.Seq2[*T, error] { return r.qs.Iter(ctx) }

// Err returns the first error recorded by a chain method, if any.
func (r RawQuerySet[T]) Err() error { return r.qs.Err() }

// SQL returns the statement and its arguments, as given to Raw.
func (r RawQuerySet[T]) SQL() (string, []any, error) {
	if err := r.qs.failure(); err != nil {
		return "", nil, err
	}
	return r.qs.raw.sql, r.qs.raw.args, nil
}

// rawSelection is the selection of a Raw query: its statement as given,
// read by column name.
func (q query) rawSelection() *selection {
	return &selection{sql: q.raw.sql, args: q.raw.args,
		plan: scan.Plan{Nodes: []*scan.Node{{Model: q.model, Parent: -1}}, ByName: true}}
}
