package queryset

import (
	"fmt"
	"strings"
	"sync"

	sq "github.com/Masterminds/squirrel"
	"github.com/eagerorm/eager/orm"
)

var psql = sq.StatementBuilder.PlaceholderFormat(sq.Dollar)

// stmt is a planned statement over the QuerySet's rows: its main scope (the
// model's table and to-one joins) and the compiled WHERE.
type stmt struct {
	c     *compiler
	s     *scope
	where expr
	order []string
}

// plan compiles the filters and ordering. An error is the first chain error
// or the first key or value that does not fit the model.
func (qs QuerySet[T]) plan(withOrder bool) (*stmt, error) {
	if qs.err != nil {
		return nil, qs.err
	}
	c := newCompiler()
	st := &stmt{c: c, s: c.scope(qs.model, qs.model.Table)}
	parts := make([]expr, 0, len(qs.filters))
	for _, f := range qs.filters {
		cx := cctx{negated: f.exclude}
		e, err := st.s.compileNode(f.node, cx)
		if err != nil {
			return nil, wrapChain(qs.model, err)
		}
		if f.exclude {
			e = notExpr(e)
		}
		parts = append(parts, e)
	}
	st.where = andExprs(parts)
	if withOrder {
		order, err := st.s.orderBy(qs.order)
		if err != nil {
			return nil, wrapChain(qs.model, err)
		}
		st.order = order
	}
	return st, nil
}

func wrapChain(m *orm.Model, err error) error {
	return fmt.Errorf("queryset %s: %w", m.Name, err)
}

// selectFrom starts a SELECT of cols over the plan's FROM, joins and WHERE.
func (st *stmt) selectFrom(cols ...string) sq.SelectBuilder {
	b := psql.Select(cols...).From(qtable(st.s.model.Table, st.s.alias))
	for _, jc := range st.s.joinClauses() {
		b = b.JoinClause(jc)
	}
	switch st.where.konst {
	case 0:
		b = b.Where(st.where)
	case -1:
		b = b.Where("FALSE") // shown by SQL(); terminal methods do not run it
	}
	return b
}

// modelColumns is the select list that scans into T.
func (st *stmt) modelColumns() []string {
	if st.s.alias == st.s.model.Table {
		if cols, ok := selectLists.Load(st.s.model); ok {
			return cols.([]string)
		}
	}
	cols := make([]string, len(st.s.model.Columns))
	for i, f := range st.s.model.Columns {
		cols[i] = qcol(st.s.alias, f.Column)
	}
	if st.s.alias == st.s.model.Table {
		selectLists.Store(st.s.model, cols)
	}
	return cols
}

// selectLists caches each model's quoted column list under its own table
// name, the select list of nearly every query. Squirrel copies it.
var selectLists sync.Map // *orm.Model -> []string

func (qs QuerySet[T]) applySlice(b sq.SelectBuilder, st *stmt) sq.SelectBuilder {
	if qs.distinct {
		b = b.Distinct()
	}
	if len(st.order) > 0 {
		b = b.OrderBy(st.order...)
	}
	if qs.limit >= 0 {
		b = b.Limit(uint64(qs.limit))
	}
	if qs.offset > 0 {
		b = b.Offset(uint64(qs.offset))
	}
	return b
}

// selectSQL is the statement All and Iter run, cached on the value.
func (qs QuerySet[T]) selectSQL() (string, []any, bool, error) {
	c := qs.compiled
	if c == nil {
		c = &compiledCache{}
	}
	c.once.Do(func() {
		st, err := qs.plan(true)
		if err != nil {
			c.err = err
			return
		}
		c.empty = st.where.konst == -1 || qs.limit == 0
		c.sql, c.args, c.err = qs.applySlice(st.selectFrom(st.modelColumns()...), st).ToSql()
	})
	return c.sql, c.args, c.empty, c.err
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
		out = append(out, qcol(alias, f.Column)+dir)
	}
	return out, nil
}
