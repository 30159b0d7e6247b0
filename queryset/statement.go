package queryset

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	sq "github.com/Masterminds/squirrel"
	"github.com/eagerorm/eager/internal/scan"
	"github.com/eagerorm/eager/internal/schema"
	"github.com/eagerorm/eager/internal/sqlgen"
	"github.com/eagerorm/eager/orm"
)

// stmt is a planned statement over the query's rows: its main scope (the
// model's table and to-one joins), the compiled WHERE, the ORDER BY terms
// and the SelectRelated objects each row carries.
type stmt struct {
	c     *compiler
	s     *scope
	where fragment
	order []string
	// nodes are the objects each row carries (nodes[0] is the row itself,
	// then one per SelectRelated relation), aliases their tables' aliases.
	nodes   []*scan.Node
	aliases []string
}

// planParts says what a plan compiles besides the filters.
type planParts uint8

const (
	planFilters planParts = 0 // the filters alone: Update, Delete
	planOrder   planParts = 1 // and OrderBy
	planRelated planParts = 2 // and SelectRelated's joins and objects
	// planRows is everything a statement reading whole rows needs.
	planRows = planOrder | planRelated
)

// sliceOrder is the ordering a statement over q's rows needs: none, unless
// Limit or Offset make the order decide which rows those are (Count,
// aggregates).
func (q query) sliceOrder() planParts {
	if q.sliced {
		return planOrder
	}
	return planFilters
}

// plan compiles the filters, and the parts asked for. An error is the first
// chain error or the first key or value that does not fit the model.
func (q query) plan(want planParts) (*stmt, error) {
	if err := q.failure(); err != nil {
		return nil, err
	}
	c := newCompiler()
	st := &stmt{c: c, s: c.scope(q.model, q.model.Table)}
	st.nodes = []*scan.Node{{Model: q.model, Parent: -1}}
	st.aliases = []string{st.s.alias}
	parts := make([]fragment, 0, len(q.filters))
	for _, f := range q.filters {
		if normalize(f.node) == nil {
			continue // an empty Q is ignored, by Exclude too
		}
		e, err := st.s.compileNode(f.node, cctx{negated: f.exclude})
		if err != nil {
			return nil, wrapChain(q.model, err)
		}
		if f.exclude {
			e = notFrag(e)
		}
		parts = append(parts, e)
	}
	st.where = andFrags(parts)
	if want&planRelated != 0 && q.lock != nil {
		if err := st.lockJoins(q.lock); err != nil {
			return nil, wrapChain(q.model, err)
		}
	}
	if want&planRelated != 0 {
		if err := st.selectRelated(q.related); err != nil {
			return nil, wrapChain(q.model, err)
		}
	}
	if want&planOrder != 0 {
		order, err := st.s.orderBy(q.order)
		if err != nil {
			return nil, wrapChain(q.model, err)
		}
		st.order = order
	}
	return st, nil
}

// wrapChain names the model in a compile error, unless the error already
// does (an *orm.FieldError does).
func wrapChain(m *schema.Model, err error) error {
	var fe *orm.FieldError
	if errors.As(err, &fe) {
		return err
	}
	return fmt.Errorf("queryset %s: %w", m.Name, err)
}

// selectRelated plans the to-one joins and objects of SelectRelated paths.
// A path shared by several arguments ("customer" in "customer__address" and
// "customer__card") is one join and one object.
func (st *stmt) selectRelated(paths []string) error {
	byPath := map[string]int{}
	for _, p := range paths {
		if p == "" {
			return &orm.FieldError{Model: st.s.model.Name, Field: p, Msg: "SelectRelated: empty path"}
		}
		parts := strings.Split(p, "__")
		cur, parent := st.s.model, 0
		var hops []*schema.Field
		for i, name := range parts {
			f, err := cur.RelationByName(name, p, "SelectRelated")
			if err != nil {
				return err
			}
			if f.Rel.Multi() {
				return &orm.FieldError{Model: st.s.model.Name, Field: p, Msg: fmt.Sprintf(
					"SelectRelated follows to-one relations only: %s is a %s relation (several rows per %s); load it with PrefetchRelated(%q)",
					f, f.Rel.Kind, cur.Name, p)}
			}
			hops = append(hops, f)
			key := strings.Join(parts[:i+1], "__")
			if idx, ok := byPath[key]; ok {
				parent, cur = idx, f.Rel.Target
				continue
			}
			planned := len(st.s.joins)
			j := st.s.joinPath(hops, false) // a join a filter planned keeps its kind
			if len(st.s.joins) > planned {
				// A join only SelectRelated needs is LEFT even on a NOT NULL
				// key: loading a relation never drops a row, and a key
				// pointing at no row (no foreign-key constraint) is kept and
				// reported by Get. A join a filter planned keeps its kind:
				// INNER where the filter needs the related row anyway.
				j.left = true
			}
			st.nodes = append(st.nodes, &scan.Node{Path: key, Field: f, Parent: parent, Model: f.Rel.Target})
			st.aliases = append(st.aliases, j.alias)
			parent = len(st.nodes) - 1
			byPath[key] = parent
			cur = f.Rel.Target
		}
	}
	return nil
}

// columns is the select list of every node, recording where each node's
// primary key lands. lead counts columns placed before them (a link key).
func (st *stmt) columns(lead int) []string {
	var cols []string
	for i, n := range st.nodes {
		n.PKCol = -1
		for j, f := range n.Model.Columns {
			if f.PK {
				n.PKCol = lead + len(cols) + j
			}
		}
		cols = append(cols, selectList(n.Model, st.aliases[i])...)
	}
	return cols
}

// selectList is a model's quoted columns under alias; the common case (the
// table's own name) is cached per model.
func selectList(m *schema.Model, alias string) []string {
	if alias == m.Table {
		if cols, ok := selectLists.Load(m); ok {
			return cols.([]string)
		}
	}
	cols := make([]string, len(m.Columns))
	for i, f := range m.Columns {
		cols[i] = sqlgen.Col(alias, f.Column)
	}
	if alias == m.Table {
		selectLists.Store(m, cols)
	}
	return cols
}

var selectLists sync.Map // *schema.Model -> []string

// modelColumns is the row's own select list.
func (st *stmt) modelColumns() []string { return selectList(st.s.model, st.s.alias) }

// selectFrom starts a SELECT of cols over the plan's FROM, joins and WHERE.
func (st *stmt) selectFrom(cols ...string) sq.SelectBuilder {
	return st.selectFromTable(sqlgen.Table(st.s.model.Table, st.s.alias), cols...)
}

func (st *stmt) selectFromTable(from string, cols ...string) sq.SelectBuilder {
	return st.joinsAndWhere(sqlgen.Builder.Select(cols...).From(from))
}

// joinsAndWhere adds the plan's joins and WHERE to b.
func (st *stmt) joinsAndWhere(b sq.SelectBuilder) sq.SelectBuilder {
	for _, jc := range st.s.joinClauses() {
		b = b.JoinClause(jc)
	}
	switch st.where.truth {
	case variable:
		b = b.Where(st.where)
	case alwaysFalse:
		b = b.Where("FALSE") // shown by SQL(); terminal methods do not run it
	}
	return b
}

func (q query) applySlice(b sq.SelectBuilder, st *stmt) sq.SelectBuilder {
	if q.distinct {
		b = b.Distinct()
	}
	if len(st.order) > 0 {
		b = b.OrderBy(st.order...)
	}
	if q.limit >= 0 {
		b = b.Limit(uint64(q.limit))
	}
	if q.offset > 0 {
		b = b.Offset(uint64(q.offset))
	}
	return b
}

// selection is a compiled SELECT of the query's rows and what reading it needs.
type selection struct {
	sql   string
	args  []any
	empty bool // the filter can match nothing: run no query
	plan  scan.Plan
}

// selection is the statement All and Iter run, cached on the value.
func (q query) selection() (*selection, error) {
	c := q.compiled
	if c == nil {
		c = &compiledCache{}
	}
	c.once.Do(func() {
		if q.raw != nil {
			if c.err = q.failure(); c.err == nil {
				c.sel = q.rawSelection()
			}
			return
		}
		st, err := q.plan(planRows)
		if err != nil {
			c.err = err
			return
		}
		sel := &selection{plan: scan.Plan{Nodes: st.nodes}, empty: st.where.truth == alwaysFalse || q.limit == 0}
		b := q.applySlice(st.selectFrom(st.columns(0)...), st)
		if q.lock != nil {
			clause, err := st.lockClause(q)
			if err != nil {
				c.err = err
				return
			}
			b = b.Suffix(clause)
		}
		sel.sql, sel.args, c.err = b.ToSql()
		c.sel = sel
	})
	return c.sel, c.err
}

// orderBy resolves OrderBy arguments to ORDER BY terms. Ordering joins keep
// every row (LEFT where the path is nullable).
func (s *scope) orderBy(fields []string) ([]string, error) {
	out := make([]string, 0, len(fields))
	for _, raw := range fields {
		name, dir := raw, " ASC"
		if strings.HasPrefix(raw, "-") {
			name, dir = raw[1:], " DESC"
		}
		p, err := resolvePath(s.model, name, false)
		if err != nil {
			return nil, err
		}
		if p.firstMulti() >= 0 || (p.field.Rel != nil && p.field.Rel.Multi()) {
			return nil, &orm.FieldError{Model: s.model.Name, Field: raw,
				Msg: "cannot order by a multi-valued relation (each row has several values)"}
		}
		alias, f, _ := s.column(p, true)
		out = append(out, sqlgen.Col(alias, f.Column)+dir)
	}
	return out, nil
}
