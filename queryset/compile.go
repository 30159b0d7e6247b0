package queryset

import (
	"fmt"
	"reflect"
	"strings"

	sq "github.com/Masterminds/squirrel"
	"github.com/eagerorm/eager/orm"
)

// cctx is where a condition sits: under a NOT (negated) or an OR. Both mean a
// nullable join must keep rows that find nothing, and negation also means a
// comparison on a nullable column must be made two-valued, so that
// Exclude(q) is the exact complement of Filter(q).
type cctx struct {
	negated bool
	inOr    bool
	// joinMulti joins multi-valued relations (LEFT) instead of testing them
	// with EXISTS: inside an aggregate's FILTER the condition is about the
	// joined related row being aggregated.
	joinMulti bool
}

// item is one element of an AND: a lookup, or a sub-node (Or, Not).
type item struct {
	key   string
	value any
	node  Node
}

// flatten lists the items of an AND of nodes in order: Q maps in sorted key
// order, nested Ands inlined, Or and Not kept whole.
func flatten(nodes []Node, out []item) []item {
	for _, n := range nodes {
		switch n := n.(type) {
		case nil:
		case Q:
			for _, k := range n.sortedKeys() {
				out = append(out, item{key: k, value: n[k]})
			}
		case andNode:
			out = flatten(n.children, out)
		default:
			out = append(out, item{node: n})
		}
	}
	return out
}

func (s *scope) compileNode(n Node, cx cctx) (expr, error) {
	switch n := n.(type) {
	case orNode:
		or := cx
		or.inOr = true
		parts := make([]expr, 0, len(n.children))
		for _, c := range n.children {
			e, err := s.compileNode(c, or)
			if err != nil {
				return expr{}, err
			}
			parts = append(parts, e)
		}
		return orExprs(parts), nil
	case notNode:
		neg := cx
		neg.negated = true
		e, err := s.compileNode(n.child, neg)
		if err != nil {
			return expr{}, err
		}
		return notExpr(e), nil
	}
	return s.compileItems(flatten([]Node{n}, nil), cx)
}

// group collects the lookups of one AND that cross the same multi-valued
// relation: they become one EXISTS, so they must hold for the same related row.
type group struct {
	prefix []*orm.Field // to-one hops, then the multi-valued relation
	items  []item       // the lookups, with keys relative to the relation's target
	pos    int          // where in the AND it goes
}

func (s *scope) compileItems(items []item, cx cctx) (expr, error) {
	var parts []expr
	var groups []*group
	byPrefix := map[string]*group{}
	for _, it := range items {
		if it.node != nil {
			e, err := s.compileNode(it.node, cx)
			if err != nil {
				return expr{}, err
			}
			parts = append(parts, e)
			continue
		}
		p, err := resolvePath(s.model, it.key, true)
		if err != nil {
			return expr{}, err
		}
		prefix, rest, ok := splitMulti(p)
		if !ok || cx.joinMulti {
			e, err := s.leaf(p, it.value, cx)
			if err != nil {
				return expr{}, err
			}
			parts = append(parts, e)
			continue
		}
		if rest == "" { // isnull on the relation itself
			isNull, err := boolValue(s.model, p, it.value)
			if err != nil {
				return expr{}, err
			}
			if isNull {
				e, err := s.exists(prefix, nil, cx)
				if err != nil {
					return expr{}, err
				}
				parts = append(parts, notExpr(e))
				continue
			}
		}
		key := pathKey(prefix)
		g := byPrefix[key]
		if g == nil {
			g = &group{prefix: prefix, pos: len(parts)}
			byPrefix[key] = g
			groups = append(groups, g)
			parts = append(parts, expr{}) // placeholder, filled below
		}
		if rest != "" {
			g.items = append(g.items, item{key: rest, value: it.value})
		}
	}
	for _, g := range groups {
		e, err := s.exists(g.prefix, g.items, cx)
		if err != nil {
			return expr{}, err
		}
		parts[g.pos] = e
	}
	return andExprs(parts), nil
}

// splitMulti splits a path that crosses a multi-valued relation into the hops
// up to and including that relation and the rest of the key, relative to the
// relation's target. rest is "" for isnull on the relation itself. ok is
// false for a path that stays on to-one relations.
func splitMulti(p path) (prefix []*orm.Field, rest string, ok bool) {
	k := p.firstMulti()
	if k < 0 {
		if p.field.Rel == nil || !p.field.Rel.Multi() {
			return nil, "", false
		}
		prefix = append(append([]*orm.Field(nil), p.hops...), p.field)
		if p.lookup == "isnull" {
			return prefix, "", true
		}
		return prefix, "pk__" + p.lookup, true // orders=obj, tags__in=[...]
	}
	prefix = p.hops[:k+1]
	var names []string
	for _, h := range p.hops[k+1:] {
		names = append(names, h.Name)
	}
	names = append(names, p.field.Name)
	if p.transform != "" {
		names = append(names, p.transform)
	}
	return prefix, strings.Join(append(names, p.lookup), "__"), true
}

func pathKey(hops []*orm.Field) string {
	names := make([]string, len(hops))
	for i, h := range hops {
		names[i] = h.Name
	}
	return strings.Join(names, "__")
}

// exists renders EXISTS (SELECT 1 FROM <related rows of the multi-valued
// relation at the end of prefix> WHERE <items>), correlated with this scope.
func (s *scope) exists(prefix []*orm.Field, items []item, cx cctx) (expr, error) {
	toOne, rel := prefix[:len(prefix)-1], prefix[len(prefix)-1]
	src := s.aliasOf(s.joinPath(toOne, cx.negated || cx.inOr))
	r := rel.Rel
	var through string
	if r.Kind == orm.ManyToMany {
		through = s.c.subAlias()
	}
	sub := s.c.scope(r.Target, s.c.subAlias())
	var from, corr string
	switch r.Kind {
	case orm.Many:
		from = qtable(r.Target.Table, sub.alias)
		corr = qcol(sub.alias, r.Remote.Column) + " = " + qcol(src, rel.Model.PK.Column)
	case orm.ManyToMany:
		from = qtable(r.Through, through) + " INNER JOIN " + qtable(r.Target.Table, sub.alias) + " ON " +
			qcol(sub.alias, r.Target.PK.Column) + " = " + qcol(through, r.ThroughTo)
		corr = qcol(through, r.ThroughFrom) + " = " + qcol(src, rel.Model.PK.Column)
	default:
		return expr{}, fmt.Errorf("queryset: internal error: EXISTS over a %s", r.Kind)
	}
	inner, err := sub.compileItems(items, cctx{})
	if err != nil {
		return expr{}, err
	}
	if inner.konst == -1 {
		return falseExpr, nil
	}
	b := sq.Select("1").From(from)
	for _, jc := range sub.joinClauses() {
		b = b.JoinClause(jc)
	}
	b = b.Where(corr)
	if inner.konst == 0 {
		b = b.Where(inner)
	}
	sql, args, err := b.ToSql()
	if err != nil {
		return expr{}, err
	}
	return expr{sql: "EXISTS (" + sql + ")", args: args}, nil
}

func boolValue(m *orm.Model, p path, v any) (bool, error) {
	b, ok := v.(bool)
	if !ok {
		return false, &orm.FieldError{Model: m.Name, Field: p.key, Value: v,
			Msg: fmt.Sprintf("isnull takes true or false, not %#v (%T)", v, v)}
	}
	return b, nil
}

// column resolves where a to-one path's value lives: the joined alias and the
// field whose column holds it. A key ending on a forward relation, or on the
// primary key behind one, uses the foreign key column and needs no join
// (customer=7, customer__pk=7, customer__id=7 all read orders.customer_id).
func (s *scope) column(p path, needLeft bool) (alias string, f *orm.Field, nullable bool) {
	hops, f := p.hops, p.field
	if f.Rel != nil && f.Column == "" { // reverse one-to-one, or a joined multi-valued relation
		hops, f = append(append([]*orm.Field(nil), hops...), f), f.Rel.Target.PK
	}
	if f.PK && p.transform == "" && len(hops) > 0 {
		last := hops[len(hops)-1]
		if last.Rel.Kind == orm.ForeignKey || last.Rel.Kind == orm.OneToOne {
			hops, f = hops[:len(hops)-1], last
		}
	}
	nullable = f.Nullable
	for _, h := range hops {
		nullable = nullable || hopNullable(h)
	}
	return s.aliasOf(s.joinPath(hops, needLeft)), f, nullable
}

func isNilValue(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}
