package load

import (
	"context"
	"fmt"
	"strings"
	"unsafe"

	"github.com/eagerorm/eager/internal/schema"
)

// prefetchNode is one relation of a prefetch tree: the lookups
// "orders", "orders__items" and "orders__items__product" make a chain of three.
type prefetchNode struct {
	field    *schema.Field // the relation, on the parent's model
	query    Query         // nil: the loader's default
	path     string        // from the root
	multi    bool          // path crosses a multi-valued relation
	children []*prefetchNode
}

// Prefetch loads lookups for rows (structs of model o.Model, from the
// result set o describes): one statement per relation of the tree, all
// relations of one depth in one round trip, keys deduplicated and sent as
// one array (= ANY($1)). Rows whose relation is already loaded (by
// SelectRelated, say) are not loaded again. An empty set of rows, or of
// keys, sends nothing. Package queryset calls it for PrefetchRelated; an
// unloaded relation's access calls it for the row, or for its peers.
func Prefetch(ctx context.Context, rows []unsafe.Pointer, lookups []Lookup, o Options) error {
	roots, err := buildTree(o.Model, lookups, o.Path, o.PathMulti)
	if err != nil {
		return err
	}
	type level struct {
		node    *prefetchNode
		parents []unsafe.Pointer
	}
	var current []level
	for _, n := range roots {
		current = append(current, level{n, rows})
	}
	for len(current) > 0 {
		var fetches []*fetch
		var batch []Statement
		for _, lv := range current {
			ld, err := newFetch(ctx, lv.node, lv.parents, o)
			if err != nil {
				return err
			}
			fetches = append(fetches, ld)
			if q, ok := ld.statement(); ok {
				batch = append(batch, q)
			}
		}
		if err := o.DB.RunBatch(ctx, batch); err != nil {
			return err
		}
		var next []level
		for _, ld := range fetches {
			children := ld.assign()
			if o.Track {
				TrackEager(ctx, o.DB, append(ld.parents, ld.done...), ld.node.field, ld.node.path, "PrefetchRelated", o.Root)
			}
			if len(children) == 0 {
				continue
			}
			for _, c := range ld.node.children {
				next = append(next, level{c, children})
			}
		}
		current = next
	}
	return nil
}

// buildTree parses lookups into prefetch trees, checking every name.
func buildTree(m *schema.Model, lookups []Lookup, basePath string, baseMulti bool) ([]*prefetchNode, error) {
	var root prefetchNode
	for _, lk := range lookups {
		if err := root.insert(m, lk, basePath, baseMulti); err != nil {
			return nil, err
		}
	}
	return root.children, nil
}

// insert adds lookup lk, a path from model m (the model of n's rows), below
// n: a relation already in the tree is reused, so the paths "a__b" and
// "a__c" share "a", and a custom query's own lookups merge with the ones
// named beside it. basePath and baseMulti locate n from the root QuerySet.
// A path given two querysets is an error, as in Django.
func (n *prefetchNode) insert(m *schema.Model, lk Lookup, basePath string, baseMulti bool) error {
	if lk.Path == "" {
		return fmt.Errorf("relations: PrefetchRelated on %s: empty lookup", m.Name)
	}
	cur, parent := m, n
	path, multi := basePath, baseMulti
	parts := strings.Split(lk.Path, "__")
	for i, name := range parts {
		f, err := cur.RelationByName(name, lk.Path, "PrefetchRelated")
		if err != nil {
			return err
		}
		if path != "" {
			path += "__"
		}
		path, multi = path+f.Name, multi || f.Rel.Multi()
		child := parent.child(f)
		if child == nil {
			child = &prefetchNode{field: f, path: path, multi: multi}
			parent.children = append(parent.children, child)
		}
		if i == len(parts)-1 && lk.Query != nil {
			if qm := lk.Query.QueryModel(); qm != f.Rel.Target {
				return fmt.Errorf("relations: Prefetch(%q) on %s: the queryset is over %s, but %s holds %s rows",
					lk.Path, m.Name, modelName(qm), f, f.Rel.Target.Name)
			}
			if child.query != nil {
				return fmt.Errorf("relations: PrefetchRelated on %s: %q is given two querysets", m.Name, child.path)
			}
			child.query = lk.Query
		}
		parent, cur = child, f.Rel.Target
	}
	return nil
}

func (n *prefetchNode) child(f *schema.Field) *prefetchNode {
	for _, c := range n.children {
		if c.field == f {
			return c
		}
	}
	return nil
}

// CheckLookups reports the first error in lookups for rows of model m (an
// unknown or non-relation name at any depth, a Prefetch queryset over the
// wrong model, one path given two querysets) without loading anything, so
// that a caller can report it before its first statement.
func CheckLookups(m *schema.Model, lookups []Lookup) error {
	_, err := buildTree(m, lookups, "", false)
	return err
}

func modelName(m *schema.Model) string {
	if m == nil {
		return "an invalid model"
	}
	return m.Name
}
