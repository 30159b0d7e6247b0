package queryset

import (
	"fmt"

	"github.com/eagerorm/eager/internal/schema"
)

// ctree is a filter with every key resolved: And, Or, Not and lookups, Q
// maps expanded into Ands of their lookups in sorted key order.
type ctree struct {
	op   byte // opAnd, opOr, opNot, opLeaf
	kids []*ctree
	lf   *cleaf
}

const (
	opAnd byte = iota
	opOr
	opNot
	opLeaf
)

// cleaf is one resolved lookup.
type cleaf struct {
	value any
	p     path
	// hops are the relations the key crosses; a key ending on a
	// multi-valued relation (tags=t, reviews__isnull=true) has it last and
	// compares that relation's primary key (field).
	hops  []*schema.Field
	field *schema.Field
	vars  []int // lengths of the prefixes of hops that end on a multi-valued relation
	// agg is the aggregate a Having lookup compares (field describes its
	// result); nil for a column.
	agg *aggSQL
}

// resolver resolves the keys of a condition: fields of model (Filter,
// Exclude, an aggregate's Filter), or, with aggs, the aliases of a grouped
// query's aggregates (Having).
type resolver struct {
	model *schema.Model
	aggs  map[string]aggSQL
}

func (r resolver) leaf(key string, v any) (*cleaf, error) {
	if r.aggs != nil {
		return r.aggLeaf(key, v)
	}
	return resolveLeaf(r.model, key, v)
}

// resolveTree resolves n (normalized, not nil) with r.
func resolveTree(r resolver, n Node) (*ctree, error) {
	switch n := n.(type) {
	case Q:
		keys := n.sortedKeys()
		t := &ctree{op: opAnd}
		for _, k := range keys {
			lf, err := r.leaf(k, n[k])
			if err != nil {
				return nil, err
			}
			t.kids = append(t.kids, &ctree{op: opLeaf, lf: lf})
		}
		if len(t.kids) == 1 {
			return t.kids[0], nil
		}
		return t, nil
	case andNode:
		return resolveKids(r, opAnd, n.children)
	case orNode:
		return resolveKids(r, opOr, n.children)
	case notNode:
		k, err := resolveTree(r, n.child)
		if err != nil {
			return nil, err
		}
		return &ctree{op: opNot, kids: []*ctree{k}}, nil
	}
	return nil, fmt.Errorf("queryset: %T is not a filter node", n)
}

func resolveKids(r resolver, op byte, nodes []Node) (*ctree, error) {
	t := &ctree{op: op}
	for _, c := range nodes {
		k, err := resolveTree(r, c)
		if err != nil {
			return nil, err
		}
		if k.op == opAnd && op == opAnd {
			t.kids = append(t.kids, k.kids...) // And(And(a, b), c) is And(a, b, c)
			continue
		}
		t.kids = append(t.kids, k)
	}
	return t, nil
}

func resolveLeaf(m *schema.Model, key string, v any) (*cleaf, error) {
	p, err := resolvePath(m, key, true)
	if err != nil {
		return nil, err
	}
	lf := &cleaf{value: v, p: p, hops: p.hops, field: p.field}
	if r := p.field.Rel; r != nil && r.Multi() {
		lf.hops = append(append([]*schema.Field(nil), p.hops...), p.field)
		lf.field = r.Target.PK
	}
	for i, h := range lf.hops {
		if h.Rel.Multi() {
			lf.vars = append(lf.vars, i+1)
		}
	}
	return lf, nil
}

// nullTest reports whether the lookup holds on a NULL: isnull=true, or
// exact / iexact with nil.
func (lf *cleaf) nullTest() bool {
	return holdsOnNull(lf.p.lookup, lf.value)
}

// positiveVars adds to vars the multi-valued relations t names outside any Not.
func (t *ctree) positiveVars(vars map[string]bool) {
	switch t.op {
	case opNot:
		return
	case opLeaf:
		for _, n := range t.lf.vars {
			vars[pathKey(t.lf.hops[:n])] = true
		}
		return
	}
	for _, k := range t.kids {
		k.positiveVars(vars)
	}
}

// varHops returns the relations of the path key, from a lookup of t on it.
func (t *ctree) varHops(key string) []*schema.Field {
	if t.op == opLeaf {
		for _, n := range t.lf.vars {
			if pathKey(t.lf.hops[:n]) == key {
				return t.lf.hops[:n]
			}
		}
		return nil
	}
	for _, k := range t.kids {
		if h := k.varHops(key); h != nil {
			return h
		}
	}
	return nil
}

// rejectsNull reports whether t can only hold when the relation at key has
// a row: it cannot be true when that row and everything reached through it
// are NULL. Conservative: false when unsure (Not), which only costs the
// LEFT JOIN form of the EXISTS.
func (t *ctree) rejectsNull(key string) bool {
	switch t.op {
	case opAnd:
		for _, k := range t.kids {
			if k.rejectsNull(key) {
				return true
			}
		}
		return false
	case opOr:
		for _, k := range t.kids {
			if !k.rejectsNull(key) {
				return false
			}
		}
		return true
	case opNot:
		return false
	}
	if t.lf.nullTest() {
		return false
	}
	for _, n := range t.lf.vars {
		if pathKey(t.lf.hops[:n]) == key {
			return true
		}
	}
	return false
}
