package load

import (
	"context"
	"unsafe"

	"github.com/eagerorm/eager/internal/relfield"
	"github.com/eagerorm/eager/internal/schema"
	"github.com/jackc/pgx/v5"
)

// fetch is one relation loaded for one set of parent rows: one statement of
// a prefetch level.
type fetch struct {
	node    *prefetchNode
	o       Options
	rel     *schema.Relation
	parents []unsafe.Pointer // distinct parents whose relation is not loaded yet
	done    []unsafe.Pointer // distinct parents whose relation already is
	keys    keySet
	sql     string
	args    []any
	scan    ScanFunc
	mode    Mode
	objs    []unsafe.Pointer
	links   []Key
}

func newFetch(ctx context.Context, node *prefetchNode, parents []unsafe.Pointer, o Options) (*fetch, error) {
	f := node.field
	ld := &fetch{node: node, o: o, rel: f.Rel, mode: o.Mode}
	seen := make(map[unsafe.Pointer]struct{}, len(parents))
	for _, p := range parents {
		if _, dup := seen[p]; dup {
			continue
		}
		seen[p] = struct{}{}
		if Loaded(p, f) {
			ld.done = append(ld.done, p)
			continue
		}
		ld.parents = append(ld.parents, p)
	}
	// Each parent's key is where the relation's link starts.
	from := f.Rel.From
	for _, p := range ld.parents {
		i, other, ok := keyOf(p, from)
		if !ok {
			SetOne(p, f, nil) // a NULL key: loaded, nothing to fetch
			continue
		}
		ld.keys.add(i, other)
	}
	if ld.keys.len() == 0 {
		return ld, nil
	}
	q := node.query
	if q == nil {
		q = o.Loader.DefaultQuery(f.Rel.Target)
	}
	if m, ok := q.LoadMode(); ok {
		ld.mode = o.DB.ResolveLoadMode(ctx, m, true) // the DB's floor holds
	}
	var err error
	ld.sql, ld.args, ld.scan, err = q.LinkedSQL(f.Rel, ld.keys.array(),
		LinkContext{Ctx: ctx, DB: o.DB, Mode: ld.mode, Path: node.path, PathMulti: node.multi, Root: o.Root})
	if err != nil {
		return nil, err
	}
	// The query's own PrefetchRelated joins the tree below its node, merged
	// with the lookups already there: a path two lookups name loads once.
	for _, lk := range q.Lookups() {
		if err := node.insert(node.field.Rel.Target, lk, node.path, node.multi); err != nil {
			return nil, err
		}
	}
	return ld, nil
}

// statement is the load's query, or false when it has no key to look up.
func (ld *fetch) statement() (Statement, bool) {
	if ld.keys.len() == 0 {
		return Statement{}, false
	}
	return Statement{SQL: ld.sql, Args: ld.args, Scan: func(rows pgx.Rows) error {
		var err error
		ld.objs, ld.links, err = ld.scan(rows)
		return err
	}}, true
}

// linkOf is the link key of loaded row j: where the relation's link ends,
// read from the row itself (its primary key, or its key column pointing
// back), or, for a link through a join table, the column the statement
// selected first.
func (ld *fetch) linkOf(j int) (int64, any, bool) {
	if len(ld.rel.Hops) > 1 {
		k := &ld.links[j].key
		i, other := k.Parts()
		return i, other, k.Valid()
	}
	return keyOf(ld.objs[j], ld.rel.To)
}

// uniqueLink reports whether each row a load of rel reads is the only one
// with its link key: the link ends, in one hop, on the target's primary key.
func uniqueLink(rel *schema.Relation) bool { return len(rel.Hops) == 1 && rel.To.PK }

// assign hands the loaded rows to their parents and returns every child row
// (newly loaded or already there), the parents of the next level.
func (ld *fetch) assign() []unsafe.Pointer {
	f := ld.node.field
	rel := f.Rel
	children := ld.objs
	if uniqueLink(rel) {
		// Several parents may share one key: index the loaded rows by key.
		byKey := newPtrIndex(len(ld.objs))
		for j, obj := range ld.objs {
			if i, other, ok := ld.linkOf(j); ok {
				byKey.put(i, other, obj)
			}
		}
		back := rel.Back
		for _, p := range ld.parents {
			if i, other, ok := keyOf(p, rel.From); ok {
				obj := byKey.get(i, other) // nil: the key's row is missing
				SetOne(p, f, obj)
				if back != nil && obj != nil && !Loaded(obj, back) {
					SetOne(obj, back, p) // the other side of a one-to-one needs no query
				}
			}
		}
		children = distinct(ld.objs)
	} else {
		ld.assignToParents()
	}
	if len(ld.objs) > 0 {
		Bind(Options{DB: ld.o.DB, Model: rel.Target, Rows: children, Multi: len(children) > 1, Mode: ld.mode,
			Loader: ld.o.Loader, Path: ld.node.path, PathMulti: ld.node.multi, Root: ld.o.Root})
	}
	if len(ld.done) == 0 || len(ld.node.children) == 0 {
		return children
	}
	// Parents loaded before (by SelectRelated) still lead to the next level.
	all := append([]unsafe.Pointer(nil), children...)
	for _, p := range ld.done {
		if rel.Multi() {
			all = append(all, relfield.ToManyAt(fieldAt(p, f)).Items...)
		} else if obj := One(p, f); obj != nil {
			all = append(all, obj)
		}
	}
	return distinct(all)
}

// assignToParents distributes the rows of a load whose link key several
// rows may share (a reverse or many-to-many relation) among their parents:
// each parent gets the rows with its key, a to-one relation the first. A
// counting pass sizes each parent's list exactly, and all lists share one
// backing array: two allocations whatever the number of parents.
func (ld *fetch) assignToParents() {
	f := ld.node.field
	rel := f.Rel
	// Parents are distinct objects, but two may have the same key (the same
	// row reached twice through SelectRelated): they share one group.
	groupOf := newIntIndex(len(ld.parents))
	group := make([]int32, len(ld.parents))
	groups := int32(0)
	for pi, p := range ld.parents {
		i, other, ok := keyOf(p, rel.From)
		if !ok {
			group[pi] = -1 // a NULL key: newLoad marked it loaded and empty
			continue
		}
		g, seen := groupOf.get(i, other)
		if !seen {
			g = groups
			groups++
			groupOf.put(i, other, g)
		}
		group[pi] = g
	}
	owner := make([]int32, len(ld.objs))
	start := make([]int32, groups+1)
	for j := range ld.objs {
		owner[j] = -1
		if i, other, ok := ld.linkOf(j); ok {
			if g, found := groupOf.get(i, other); found {
				owner[j] = g
				start[g+1]++
			}
		}
	}
	for g := int32(1); g <= groups; g++ {
		start[g] += start[g-1] // start[g] is where group g's rows begin
	}
	backing := make([]unsafe.Pointer, start[groups])
	next := append([]int32(nil), start[:groups]...)
	for j, g := range owner {
		if g >= 0 {
			backing[next[g]] = ld.objs[j]
			next[g]++
		}
	}
	for pi, p := range ld.parents {
		g := group[pi]
		if g < 0 {
			continue
		}
		items := backing[start[g]:start[g+1]:start[g+1]]
		if rel.Multi() {
			SetMany(p, f, items)
		} else {
			var obj unsafe.Pointer
			if len(items) > 0 {
				obj = items[0]
			}
			SetOne(p, f, obj)
		}
		if back := rel.Back; back != nil {
			for _, child := range items {
				if !Loaded(child, back) {
					SetOne(child, back, p) // the child's way back needs no query
				}
			}
		}
	}
}

func distinct(ptrs []unsafe.Pointer) []unsafe.Pointer {
	seen := make(map[unsafe.Pointer]struct{}, len(ptrs))
	out := ptrs[:0:0]
	for _, p := range ptrs {
		if _, ok := seen[p]; !ok {
			seen[p] = struct{}{}
			out = append(out, p)
		}
	}
	return out
}
