package queryset

import (
	"strings"

	sq "github.com/Masterminds/squirrel"
	"github.com/eagerorm/eager/internal/schema"
	"github.com/eagerorm/eager/internal/sqlgen"
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

// compileNode compiles the condition of one Filter call (or of an
// aggregate's Filter). Keys are resolved against s's model. An empty node
// (nil, Q{}, And(), Not(Q{}), ...) is TRUE: callers drop it beforehand with
// normalize where "absent" and "TRUE" differ (Exclude).
func (s *scope) compileNode(n Node, cx cctx) (fragment, error) {
	return s.compileCondition(resolver{model: s.model}, n, cx)
}

// compileCondition compiles a condition whose keys r resolves: every
// condition (Filter, Exclude, an aggregate's Filter, Having) takes this one
// walk. An empty node is TRUE.
func (s *scope) compileCondition(r resolver, n Node, cx cctx) (fragment, error) {
	n = normalize(n)
	if n == nil {
		return fragTrue, nil
	}
	t, err := resolveTree(r, n)
	if err != nil {
		return fragment{}, err
	}
	e := env{root: s}
	e = e.enter(t)
	return e.compile(t, cx)
}

// env is what a condition is compiled against: the scope of the filter's
// model, the multi-valued relations already bound by enclosing EXISTS
// subqueries (each to one related row, or to the all-NULL row when there
// are none), and the relations visible as bound: those named outside any
// Not at this level or an enclosing one.
type env struct {
	root  *scope
	binds map[string]*binding
	vis   map[string]bool
}

// binding is one multi-valued relation bound by an EXISTS subquery.
type binding struct {
	key   string          // its path from the filter's model: "reviews", "books__tags"
	hops  []*schema.Field // that path's relations
	sc    *scope          // the subquery scope of its target rows
	inner bool            // the subquery ranges over the related rows only, never the NULL row
	// mids are the aliases of the tables the relation's link goes through
	// before its target rows (a many-to-many's join table).
	mids []string
}

// enter returns e extended with the relations t names outside any Not: in
// one Filter call (or inside one Not) each binds one related row, shared by
// every condition on it there.
func (e env) enter(t *ctree) env {
	vis := make(map[string]bool, len(e.vis)+2)
	for k := range e.vis {
		vis[k] = true
	}
	t.positiveVars(vis)
	e.vis = vis
	return e
}

// compile renders t. A multi-valued relation named in t and not yet bound
// is bound here, by an EXISTS as narrow as the rules allow: an Or's branches
// are tested separately (EXISTS distributes over OR), and an And's operands
// share one EXISTS only when they name the same relation.
func (e env) compile(t *ctree, cx cctx) (fragment, error) {
	if t.op == opOr {
		or := cx
		or.inOr = true
		parts := make([]fragment, 0, len(t.kids))
		for _, k := range t.kids {
			x, err := e.compile(k, or)
			if err != nil {
				return fragment{}, err
			}
			parts = append(parts, x)
		}
		return orFrags(parts), nil
	}
	var free []string
	if !cx.joinMulti {
		free = e.free(t, nil)
	}
	if len(free) > 0 {
		if t.op == opAnd {
			return e.components(t, cx)
		}
		return e.bind(free, t, cx)
	}
	switch t.op {
	case opAnd:
		parts := make([]fragment, 0, len(t.kids))
		for _, k := range t.kids {
			x, err := e.compile(k, cx)
			if err != nil {
				return fragment{}, err
			}
			parts = append(parts, x)
		}
		return andFrags(parts), nil
	case opNot:
		neg := cx
		neg.negated = true
		x, err := e.enter(t.kids[0]).compile(t.kids[0], neg)
		if err != nil {
			return fragment{}, err
		}
		return notFrag(x), nil
	}
	return e.leaf(t.lf, cx)
}

// components compiles an And whose operands name unbound multi-valued
// relations. Operands that name the same relation go into one EXISTS that
// binds the relations they share (their conditions hold for the same
// related row); a relation only one operand names is bound inside that
// operand, so each EXISTS stays as narrow as it can.
func (e env) components(t *ctree, cx cctx) (fragment, error) {
	n := len(t.kids)
	vars := make([][]string, n)
	uses := map[string]int{}
	for i, k := range t.kids {
		vars[i] = e.free(k, nil)
		for _, v := range vars[i] {
			uses[v]++
		}
	}
	group := make([]int, n) // union-find over operands sharing a relation
	for i := range group {
		group[i] = i
	}
	find := func(i int) int {
		for group[i] != i {
			i = group[i]
		}
		return i
	}
	for i := range n {
		for j := i + 1; j < n; j++ {
			for _, v := range vars[j] {
				if uses[v] > 1 && contains(vars[i], v) {
					a, b := find(i), find(j)
					group[max(a, b)] = min(a, b) // a group's root is its first operand
					break
				}
			}
		}
	}
	size := make([]int, n)
	for i := range n {
		size[find(i)]++
	}
	// Operands without relations to bind first, as written, then the EXISTS.
	parts := make([]fragment, n)
	for _, withVars := range []bool{false, true} {
		for i := range n {
			if (len(vars[i]) > 0) != withVars || find(i) != i {
				continue
			}
			if size[i] == 1 {
				x, err := e.compile(t.kids[i], cx)
				if err != nil {
					return fragment{}, err
				}
				parts[i] = x
				continue
			}
			var shared []string
			var kids []*ctree
			for j := i; j < n; j++ {
				if find(j) != i {
					continue
				}
				kids = append(kids, t.kids[j])
				for _, v := range vars[j] {
					if uses[v] > 1 {
						shared = appendNew(shared, v)
					}
				}
			}
			x, err := e.bind(shared, &ctree{op: opAnd, kids: kids}, cx)
			if err != nil {
				return fragment{}, err
			}
			parts[i] = x
		}
	}
	kept := make([]fragment, 0, n)
	for i, p := range parts {
		if find(i) == i {
			kept = append(kept, p)
		}
	}
	return andFrags(kept), nil
}

// bind compiles body inside one EXISTS that binds the multi-valued
// relations vars: there is a related row for each (or, when a relation has
// none, the all-NULL row, as Django's LEFT JOIN gives) for which body holds.
// When body cannot hold on the all-NULL row of a relation, the subquery
// ranges over the related rows only (the usual EXISTS); otherwise it
// LEFT JOINs them to a one-row table.
func (e env) bind(vars []string, body *ctree, cx cctx) (fragment, error) {
	inner := e
	inner.binds = make(map[string]*binding, len(e.binds)+len(vars))
	for k, b := range e.binds {
		inner.binds[k] = b
	}
	bs := make([]*binding, 0, len(vars))
	srcs := make([]string, 0, len(vars))
	for _, v := range vars {
		hops := body.varHops(v)
		parent, n := e.deepest(hops[:len(hops)-1])
		rel := hops[len(hops)-1]
		b := &binding{key: v, hops: hops, inner: body.rejectsNull(v)}
		toOne := hops[n : len(hops)-1]
		needLeft := cx.negated || cx.inOr || !b.inner
		src := e.scopeOf(parent)
		srcs = append(srcs, src.aliasOf(src.joinPath(toOne, needLeft)))
		for range rel.Rel.Hops[1:] {
			b.mids = append(b.mids, src.c.subAlias())
		}
		b.sc = src.c.scope(rel.Rel.Target, src.c.subAlias())
		b.sc.root = e.root.root
		b.sc.nullableRoot = !b.inner
		inner.binds[v] = b
		bs = append(bs, b)
	}
	if len(bs) == 1 && !bs[0].inner && body.op == opLeaf && onlyNull(body.lf, bs[0]) {
		// Only the all-NULL row passes an IS NULL test on a column that is
		// never NULL: the relation has no rows.
		from, corr := bs[0].from(srcs[0])
		sql, args, err := sq.Select("1").From(from).Where(corr).ToSql()
		if err != nil {
			return fragment{}, err
		}
		return notFrag(fragment{sql: "EXISTS (" + sql + ")", args: args}), nil
	}
	x, err := inner.compile(body, cctx{})
	if err != nil {
		return fragment{}, err
	}
	anyInner := false
	for _, b := range bs {
		anyInner = anyInner || b.inner
	}
	switch {
	case x.truth == alwaysFalse:
		return fragFalse, nil
	case x.truth == alwaysTrue && !anyInner:
		return fragTrue, nil // every parent has a binding: a related row or the NULL row
	}
	// Relations ranged over without the NULL row come first: the first one
	// is the FROM, correlated in WHERE; the others are joined to it.
	var from string
	var where []fragment
	first := true
	for _, inners := range []bool{true, false} {
		for i, b := range bs {
			if b.inner != inners {
				continue
			}
			rel, corr := b.from(srcs[i])
			switch {
			case first && b.inner:
				from = rel
				where = append(where, fragment{sql: corr})
			default:
				if first {
					from = `(SELECT 1) AS ` + sqlgen.Ident(e.root.c.subAlias())
				}
				if len(b.mids) > 0 {
					rel = "(" + rel + ")" // a join of its own: parenthesised
				}
				kind := " LEFT JOIN "
				if b.inner {
					kind = " INNER JOIN "
				}
				from += kind + rel + " ON " + corr
			}
			first = false
			for _, jc := range b.sc.joinClauses() {
				from += " " + jc
			}
		}
	}
	if x.truth == variable {
		where = append(where, x)
	}
	b := sq.Select("1").From(from)
	for _, w := range where {
		b = b.Where(w)
	}
	sql, args, err := b.ToSql()
	if err != nil {
		return fragment{}, err
	}
	return fragment{sql: "EXISTS (" + sql + ")", args: args}, nil
}

// from renders the related rows of b's relation, walking its link from the
// first table it reaches (joined to the next by the next hop), and their
// correlation with src, the alias of the row they belong to: the link's
// first hop.
func (b *binding) from(src string) (from, corr string) {
	hops := b.hops[len(b.hops)-1].Rel.Hops
	alias := func(i int) string {
		if i < len(b.mids) {
			return b.mids[i]
		}
		return b.sc.alias
	}
	first := hops[0]
	from = sqlgen.Table(first.ToTable, alias(0))
	for i, hop := range hops[1:] {
		from += " INNER JOIN " + sqlgen.Table(hop.ToTable, alias(i+1)) + " ON " + sqlgen.Col(alias(i+1), hop.ToColumn) + " = " + sqlgen.Col(alias(i), hop.FromColumn)
	}
	return from, sqlgen.Col(alias(0), first.ToColumn) + " = " + sqlgen.Col(src, first.FromColumn)
}

// onlyNull reports whether lf is an IS NULL test that only the all-NULL row
// of b passes: on a column of b's rows that is never NULL (not a reverse
// one-to-one, which a real row may lack).
func onlyNull(lf *cleaf, b *binding) bool {
	return lf.nullTest() && len(lf.hops) == len(b.hops) && lf.p.transform == "" && lf.field.Column != "" &&
		!lf.field.Nullable && pathKey(lf.hops) == b.key
}

// deepest returns the deepest bound relation among the prefixes of hops
// ending on a multi-valued relation, and how many hops it covers (nil, 0:
// the filter's own model).
func (e env) deepest(hops []*schema.Field) (*binding, int) {
	for n := len(hops); n > 0; n-- {
		if !hops[n-1].Rel.Multi() {
			continue
		}
		if b := e.binds[pathKey(hops[:n])]; b != nil {
			return b, n
		}
	}
	return nil, 0
}

func (e env) scopeOf(b *binding) *scope {
	if b == nil {
		return e.root
	}
	return b.sc
}

// free lists the multi-valued relations t needs bound here: for each
// lookup, the first relation on its path not bound yet, when it is visible
// (named outside a Not at this level or above; one named only inside a Not
// is bound inside it).
func (e env) free(t *ctree, out []string) []string {
	if t.op != opLeaf {
		for _, k := range t.kids {
			out = e.free(k, out)
		}
		return out
	}
	for _, n := range t.lf.vars {
		k := pathKey(t.lf.hops[:n])
		if e.binds[k] != nil {
			continue
		}
		if e.vis[k] && !contains(out, k) {
			out = append(out, k)
		}
		break
	}
	return out
}

// leaf compiles a lookup in the scope of the deepest relation bound on its
// path, or on its aggregate (Having).
func (e env) leaf(lf *cleaf, cx cctx) (fragment, error) {
	if lf.agg != nil {
		o := operand{sql: lf.agg.sql, args: lf.agg.args, field: lf.field, nullable: true}
		return compileLookup(e.root.root, lf.p, o, lf.value, cx)
	}
	b, n := e.deepest(lf.hops)
	p := lf.p
	p.hops, p.field = lf.hops[n:], lf.field
	if cx.joinMulti {
		p = lf.p // the relation itself is joined: column resolves it to its key
	}
	return e.scopeOf(b).leaf(p, lf.value, cx, e.root)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func appendNew(list []string, add ...string) []string {
	for _, s := range add {
		if !contains(list, s) {
			list = append(list, s)
		}
	}
	return list
}

func pathKey(hops []*schema.Field) string {
	names := make([]string, len(hops))
	for i, h := range hops {
		names[i] = h.Name
	}
	return strings.Join(names, "__")
}

// column resolves where a to-one path's value lives: the joined alias and the
// field whose column holds it. A key ending on a forward relation, or on the
// primary key behind one, uses the foreign key column and needs no join
// (customer=7, customer__pk=7, customer__id=7 all read orders.customer_id).
func (s *scope) column(p path, needLeft bool) (alias string, f *schema.Field, nullable bool) {
	hops, f := p.hops, p.field
	if f.Rel != nil && f.Column == "" { // reverse one-to-one, or a joined multi-valued relation
		hops, f = append(append([]*schema.Field(nil), hops...), f), f.Rel.Target.PK
	}
	if f.PK && p.transform == "" && len(hops) > 0 {
		// The key the link ends on is the value of the column it starts
		// from: read there, without the join.
		if last := hops[len(hops)-1].Rel; len(last.Hops) == 1 && last.To == f {
			hops, f = hops[:len(hops)-1], last.From
		}
	}
	nullable = f.Nullable || s.nullableRoot
	for _, h := range hops {
		nullable = nullable || h.Rel.Optional()
	}
	return s.aliasOf(s.joinPath(hops, needLeft)), f, nullable
}
