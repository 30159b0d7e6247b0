package queryset

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/eagerorm/eager/internal/load"
	"github.com/eagerorm/eager/internal/schema"
	"github.com/eagerorm/eager/orm"
)

// QuerySet is a lazy, immutable query over model T. The zero value is not
// usable; start from New. Every chain method returns a new QuerySet and
// leaves the receiver unchanged, so a QuerySet can be shared and extended
// freely (a base query per request, specialised per use).
type QuerySet[T any] struct {
	query
}

// query is a QuerySet without its type parameter: everything but the typed
// results. Prefetch levels over models known only at run time use it directly.
type query struct {
	db       *orm.DB
	model    *schema.Model
	err      error
	filters  []filter
	order    []string
	limit    int // -1: none
	offset   int
	distinct bool
	sliced   bool // Limit or Offset was called: filtering or reordering is an error
	related  []string
	prefetch []load.Lookup
	mode     orm.LoadMode
	hasMode  bool
	chunk    int // Iter's chunk size, 0: default

	lock *lockSpec // ForUpdate's locking clause, nil: none
	raw  *rawSQL   // Raw's statement, run instead of a SELECT built from the rest

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
	m, err := schema.For[T]()
	q := query{db: db, model: m, err: err, limit: -1, compiled: &compiledCache{}}
	if err == nil && db == nil {
		q.err = fmt.Errorf("queryset: New[%s]: nil *orm.DB", m.Name)
	}
	return QuerySet[T]{q}
}

// DB returns the database the QuerySet runs on.
func (qs QuerySet[T]) DB() *orm.DB { return qs.db }

// Err returns the first error recorded by a chain method, if any.
func (qs QuerySet[T]) Err() error { return qs.failure() }

// errZero is the error of a QuerySet that did not come from New.
var errZero = errors.New("queryset: a zero QuerySet has no model: start from queryset.New[T](db)")

// failure is the error every terminal method returns before sending
// anything: the first chain error, or the zero value's.
func (q query) failure() error {
	if q.err != nil {
		return q.err
	}
	if q.model == nil {
		return errZero
	}
	return nil
}

// clone copies q for a chain method: slices are clipped so that appending to
// the copy never writes into the original's backing array.
func (q query) clone() query {
	q.filters = slices.Clip(q.filters)
	q.order = slices.Clip(q.order)
	q.related = slices.Clip(q.related)
	q.prefetch = slices.Clip(q.prefetch)
	q.compiled = &compiledCache{}
	return q
}

func (q query) fail(err error) query {
	if q.err == nil {
		q.err = err
	}
	return q
}

// Filter keeps the rows matching every node (an AND). Conditions given in one
// Filter call on the same multi-valued relation must hold for the same
// related row; separate Filter calls may be satisfied by different rows.
func (qs QuerySet[T]) Filter(nodes ...Node) QuerySet[T] {
	return QuerySet[T]{qs.where(nodes, false, "Filter")}
}

// Exclude removes the rows matching every node: it is exactly the complement
// of Filter with the same arguments (rows with NULLs in the compared columns
// are kept, as in Django).
func (qs QuerySet[T]) Exclude(nodes ...Node) QuerySet[T] {
	return QuerySet[T]{qs.where(nodes, true, "Exclude")}
}

func (q query) where(nodes []Node, exclude bool, method string) query {
	q = q.clone()
	if q.sliced {
		return q.fail(fmt.Errorf("queryset: %s: cannot filter %s after Limit or Offset", method, q.name()))
	}
	if len(nodes) == 0 {
		return q
	}
	if err := checkNodes(q.model, nodes, q.maxDepth()); err != nil {
		return q.fail(err)
	}
	var n Node = andNode{children: nodes}
	if len(nodes) == 1 {
		n = nodes[0]
	}
	q.filters = append(q.filters, filter{node: n, exclude: exclude})
	return q
}

// OrderBy sets the ordering, replacing any earlier one: field names or to-one
// paths ("customer__name"), "-" for descending, "pk" for the primary key.
func (qs QuerySet[T]) OrderBy(fields ...string) QuerySet[T] {
	q := qs.clone()
	if q.sliced {
		return QuerySet[T]{q.fail(fmt.Errorf("queryset: OrderBy: cannot reorder %s after Limit or Offset", q.name()))}
	}
	if err := checkFields(q.model, fields, q.maxDepth()); err != nil {
		return QuerySet[T]{q.fail(err)}
	}
	q.order = append([]string{}, fields...)
	return QuerySet[T]{q}
}

// Limit returns at most n rows. In a Prefetch queryset the limit is per
// parent row.
func (qs QuerySet[T]) Limit(n int) QuerySet[T] {
	q := qs.clone()
	if n < 0 {
		return QuerySet[T]{q.fail(fmt.Errorf("queryset: Limit(%d) on %s: negative limit", n, q.name()))}
	}
	q.limit, q.sliced = n, true
	return QuerySet[T]{q}
}

// Offset skips the first n rows (per parent row in a Prefetch queryset).
func (qs QuerySet[T]) Offset(n int) QuerySet[T] {
	q := qs.clone()
	if n < 0 {
		return QuerySet[T]{q.fail(fmt.Errorf("queryset: Offset(%d) on %s: negative offset", n, q.name()))}
	}
	q.offset, q.sliced = n, true
	return QuerySet[T]{q}
}

// Distinct removes duplicate rows (SELECT DISTINCT).
func (qs QuerySet[T]) Distinct() QuerySet[T] {
	q := qs.clone()
	q.distinct = true
	return QuerySet[T]{q}
}

// SelectRelated loads to-one relations in the same statement, with JOINs:
// "customer", or nested paths "rental__customer__address__city". Its joins
// are LEFT JOINs, so loading a relation never drops a row (a key pointing
// at no row is kept, and Get reports it); a join a filter already needs
// stays INNER. A path across a multi-valued relation is an error naming
// PrefetchRelated.
func (qs QuerySet[T]) SelectRelated(paths ...string) QuerySet[T] {
	q := qs.clone()
	for _, p := range paths {
		if err := checkRelationPath(q.model, p, q.maxDepth()); err != nil {
			return QuerySet[T]{q.fail(err)}
		}
	}
	q.related = append(q.related, paths...)
	return QuerySet[T]{q}
}

// PrefetchRelated loads relations of the rows with one more statement per
// relation: names ("orders", "orders__items__product", any mix of reverse
// foreign keys, many-to-many and foreign keys at any depth) or
// Prefetch(name, queryset) for a custom queryset. Keys go as one array
// (= ANY($1)); relations at the same depth share one round trip.
//
// The whole tree is checked here, before anything is sent: every name at
// every depth, and each Prefetch's queryset (its filters, ordering,
// SelectRelated and own prefetches); the terminal method returns the first
// error. The same lookup given twice is loaded once; two different
// querysets for one path are an error.
func (qs QuerySet[T]) PrefetchRelated(lookups ...any) QuerySet[T] {
	q := qs.clone()
	if err := q.failure(); err != nil {
		return QuerySet[T]{q.fail(err)}
	}
	for _, lk := range lookups {
		switch lk := lk.(type) {
		case string:
			if err := checkRelationPath(q.model, lk, q.maxDepth()); err != nil {
				return QuerySet[T]{q.fail(err)}
			}
			q.prefetch = append(q.prefetch, load.Lookup{Path: lk})
		case PrefetchSpec:
			if err := checkRelationPath(q.model, lk.path, q.maxDepth()); err != nil {
				return QuerySet[T]{q.fail(err)}
			}
			if lk.query == nil {
				return QuerySet[T]{q.fail(fmt.Errorf("queryset: PrefetchRelated on %s: an empty PrefetchSpec (make it with queryset.Prefetch)", q.name()))}
			}
			if err := lk.query.failure(); err != nil {
				return QuerySet[T]{q.fail(fmt.Errorf("queryset: PrefetchRelated on %s: Prefetch(%q): %w", q.name(), lk.path, err))}
			}
			if lk.query.lock != nil {
				return QuerySet[T]{q.fail(fmt.Errorf("queryset: PrefetchRelated on %s: Prefetch(%q): ForUpdate locks the rows of the query it is called on, not prefetched ones (lock them with a ForUpdate query of their own)", q.name(), lk.path))}
			}
			if _, err := lk.query.plan(planRows); err != nil {
				return QuerySet[T]{q.fail(fmt.Errorf("queryset: PrefetchRelated on %s: Prefetch(%q): %w", q.name(), lk.path, err))}
			}
			if q.hasPrefetch(lk) {
				continue
			}
			q.prefetch = append(q.prefetch, load.Lookup{Path: lk.path, Query: (*linked)(lk.query)})
		default:
			return QuerySet[T]{q.fail(fmt.Errorf("queryset: PrefetchRelated on %s: %T is neither a relation name nor a queryset.Prefetch", q.name(), lk))}
		}
	}
	if err := load.CheckLookups(q.model, q.prefetch); err != nil {
		return QuerySet[T]{q.fail(err)}
	}
	return QuerySet[T]{q}
}

// PrefetchSpec is a prefetch with a custom queryset; make it with Prefetch.
type PrefetchSpec struct {
	path string
	// query is a pointer so that lookups compare cheaply and never panic:
	// the same Prefetch given twice is the same pointer.
	query *query
}

// Prefetch loads the relation at path with a custom queryset over the
// related model: its Filter, OrderBy and SelectRelated apply inside the
// prefetch statement, its Limit and Offset per parent row (a window
// function), its own PrefetchRelated below it.
func Prefetch[R any](path string, qs QuerySet[R]) PrefetchSpec {
	q := qs.query
	return PrefetchSpec{path: path, query: &q}
}

// hasPrefetch reports whether q already prefetches the same path with the
// same queryset (the same Prefetch, or an equal one given again).
func (q query) hasPrefetch(p PrefetchSpec) bool {
	path := relationPath(q.model, p.path)
	for _, lk := range q.prefetch {
		prev, ok := lk.Query.(*linked)
		if ok && relationPath(q.model, lk.Path) == path && ((*query)(prev) == p.query || (*query)(prev).same(p.query)) {
			return true
		}
	}
	return false
}

// same reports whether two querysets are equal: the same conditions,
// ordering, slicing, relations and options (the compiled-statement cache
// aside).
func (q *query) same(o *query) bool {
	a, b := *q, *o
	a.compiled, b.compiled = nil, nil
	return reflect.DeepEqual(a, b)
}

// relationPath spells a relation path with the relations' own names, so that
// "Books" and "books" compare equal; a name that does not resolve is kept.
func relationPath(m *schema.Model, path string) string {
	parts := strings.Split(path, "__")
	for i, name := range parts {
		f, err := m.RelationByName(name, path, "PrefetchRelated")
		if err != nil {
			return path
		}
		parts[i], m = f.Name, f.Rel.Target
	}
	return strings.Join(parts, "__")
}

// WithLoadMode sets how the rows this QuerySet loads behave on an access
// to a relation that was not loaded (overriding the DB's mode and the
// context's). Rows filled by SelectRelated and PrefetchRelated inherit it.
func (qs QuerySet[T]) WithLoadMode(m orm.LoadMode) QuerySet[T] {
	q := qs.clone()
	q.mode, q.hasMode = m, true
	return QuerySet[T]{q}
}

// IterChunk sets how many rows Iter reads, prefetches for and yields at a
// time (default 1000). The rows of one chunk are each other's peers.
func (qs QuerySet[T]) IterChunk(n int) QuerySet[T] {
	q := qs.clone()
	if n <= 0 {
		return QuerySet[T]{q.fail(fmt.Errorf("queryset: IterChunk(%d) on %s: want a positive size", n, q.name()))}
	}
	q.chunk = n
	return QuerySet[T]{q}
}

func (q query) name() string {
	if q.model == nil {
		return "QuerySet"
	}
	return q.model.Name
}

// compiledCache holds the SELECT statement of a QuerySet value, built on the
// first terminal call and reused by later ones on the same value.
type compiledCache struct {
	once sync.Once
	sel  *selection
	err  error
}
