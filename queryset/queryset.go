package queryset

import (
	"fmt"
	"slices"
	"sync"

	"github.com/eagerorm/eager/orm"
)

// QuerySet is a lazy, immutable query over model T. The zero value is not
// usable; start from New. Every chain method returns a new QuerySet and
// leaves the receiver unchanged, so a QuerySet can be shared and extended
// freely (a base query per request, specialised per use).
type QuerySet[T any] struct {
	db       *orm.DB
	model    *orm.Model
	err      error
	filters  []filter
	order    []string
	limit    int // -1: none
	offset   int
	distinct bool
	sliced   bool // Limit or Offset was called: filtering or reordering is an error

	compiled *compiledCache // the SELECT for All/Iter, built once per value
}

// filter is one Filter or Exclude call: the AND of its nodes, negated for Exclude.
type filter struct {
	node    Node
	exclude bool
}

// New starts a QuerySet over all rows of T's table. A T that is not a valid
// model makes every terminal method return the *orm.ModelError.
func New[T any](db *orm.DB) QuerySet[T] {
	m, err := orm.ModelFor[T]()
	qs := QuerySet[T]{db: db, model: m, err: err, limit: -1, compiled: &compiledCache{}}
	if err == nil && db == nil {
		qs.err = fmt.Errorf("queryset: New[%s]: nil *orm.DB", m.Name)
	}
	return qs
}

// Model returns T's metadata (nil if T is not a valid model).
func (qs QuerySet[T]) Model() *orm.Model { return qs.model }

// DB returns the database the QuerySet runs on.
func (qs QuerySet[T]) DB() *orm.DB { return qs.db }

// Err returns the first error recorded by a chain method, if any.
func (qs QuerySet[T]) Err() error { return qs.err }

// clone copies qs for a chain method: slices are clipped so that appending to
// the copy never writes into the original's backing array.
func (qs QuerySet[T]) clone() QuerySet[T] {
	qs.filters = slices.Clip(qs.filters)
	qs.order = slices.Clip(qs.order)
	qs.compiled = &compiledCache{}
	return qs
}

func (qs QuerySet[T]) fail(err error) QuerySet[T] {
	if qs.err == nil {
		qs.err = err
	}
	return qs
}

// Filter keeps the rows matching every node (an AND). Conditions given in one
// Filter call on the same multi-valued relation must hold for the same
// related row; separate Filter calls may be satisfied by different rows.
func (qs QuerySet[T]) Filter(nodes ...Node) QuerySet[T] { return qs.where(nodes, false, "Filter") }

// Exclude removes the rows matching every node: it is exactly the complement
// of Filter with the same arguments (rows with NULLs in the compared columns
// are kept, as in Django).
func (qs QuerySet[T]) Exclude(nodes ...Node) QuerySet[T] { return qs.where(nodes, true, "Exclude") }

func (qs QuerySet[T]) where(nodes []Node, exclude bool, method string) QuerySet[T] {
	qs = qs.clone()
	if qs.sliced {
		return qs.fail(fmt.Errorf("queryset: %s: cannot filter %s after Limit or Offset", method, qs.name()))
	}
	if len(nodes) == 0 {
		return qs
	}
	var n Node = andNode{children: nodes}
	if len(nodes) == 1 {
		n = nodes[0]
	}
	qs.filters = append(qs.filters, filter{node: n, exclude: exclude})
	return qs
}

// OrderBy sets the ordering, replacing any earlier one: field names or to-one
// paths ("customer__name"), "-" for descending, "pk" for the primary key.
func (qs QuerySet[T]) OrderBy(fields ...string) QuerySet[T] {
	qs = qs.clone()
	if qs.sliced {
		return qs.fail(fmt.Errorf("queryset: OrderBy: cannot reorder %s after Limit or Offset", qs.name()))
	}
	qs.order = append([]string{}, fields...)
	return qs
}

// Limit returns at most n rows.
func (qs QuerySet[T]) Limit(n int) QuerySet[T] {
	qs = qs.clone()
	if n < 0 {
		return qs.fail(fmt.Errorf("queryset: Limit(%d) on %s: negative limit", n, qs.name()))
	}
	qs.limit, qs.sliced = n, true
	return qs
}

// Offset skips the first n rows.
func (qs QuerySet[T]) Offset(n int) QuerySet[T] {
	qs = qs.clone()
	if n < 0 {
		return qs.fail(fmt.Errorf("queryset: Offset(%d) on %s: negative offset", n, qs.name()))
	}
	qs.offset, qs.sliced = n, true
	return qs
}

// Distinct removes duplicate rows (SELECT DISTINCT).
func (qs QuerySet[T]) Distinct() QuerySet[T] {
	qs = qs.clone()
	qs.distinct = true
	return qs
}

func (qs QuerySet[T]) name() string {
	if qs.model == nil {
		return "QuerySet"
	}
	return qs.model.Name
}

// compiledCache holds the SELECT statement of a QuerySet value, built on the
// first terminal call and reused by later ones on the same value.
type compiledCache struct {
	once  sync.Once
	sql   string
	args  []any
	empty bool // the filter can match nothing: run no query
	err   error
}
