package queryset

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"

	sq "github.com/Masterminds/squirrel"
	"github.com/eagerorm/eager/internal/schema"
	"github.com/eagerorm/eager/internal/sqlgen"
	"github.com/eagerorm/eager/orm"
)

// Grouped is a QuerySet grouped by fields with aggregates per group:
//
//	queryset.New[Book](db).GroupBy("genre").Annotate(queryset.Count("*")).Values(ctx)
//
// is SELECT genre, COUNT(*) ... GROUP BY genre: one map per genre.
type Grouped[T any] struct {
	qs     QuerySet[T]
	by     []string
	aggs   []Agg
	having []Node
	order  []string
	limit  int
}

// GroupBy groups the QuerySet's rows by fields (paths allowed; a
// multi-valued path is joined, one group per related value). With no fields
// the aggregates cover all rows.
func (qs QuerySet[T]) GroupBy(fields ...string) Grouped[T] {
	return Grouped[T]{qs: qs, by: append([]string(nil), fields...), limit: -1}
}

// Annotate adds aggregates computed per group.
func (g Grouped[T]) Annotate(aggs ...Agg) Grouped[T] {
	g.aggs = append(append([]Agg(nil), g.aggs...), aggs...)
	return g
}

// Having keeps the groups whose aggregates match: keys are aggregate aliases
// with lookups, Q{"count__gte": 10}.
func (g Grouped[T]) Having(nodes ...Node) Grouped[T] {
	g.having = append(append([]Node(nil), g.having...), nodes...)
	return g
}

// OrderBy orders groups by group fields or aggregate aliases ("-count").
func (g Grouped[T]) OrderBy(fields ...string) Grouped[T] {
	g.order = append([]string(nil), fields...)
	return g
}

// Limit returns at most n groups.
func (g Grouped[T]) Limit(n int) Grouped[T] {
	g.limit = n
	return g
}

// Values runs the grouped query: one map per group with the group fields and
// the aggregates by alias.
func (g Grouped[T]) Values(ctx context.Context) ([]map[string]any, error) {
	sql, args, names, types, empty, err := g.build()
	if err != nil {
		return nil, err
	}
	if empty {
		return []map[string]any{}, nil
	}
	return queryMaps(ctx, g.qs.db, sql, args, names, types, g.qs.wrap)
}

// SQL returns the grouped statement and its arguments without running it.
func (g Grouped[T]) SQL() (string, []any, error) {
	sql, args, _, _, _, err := g.build()
	return sql, args, err
}

func (g Grouped[T]) build() (string, []any, []string, []reflect.Type, bool, error) {
	qs := g.qs
	fail := func(err error) (string, []any, []string, []reflect.Type, bool, error) {
		return "", nil, nil, nil, false, err
	}
	if err := g.check(); err != nil {
		return fail(err)
	}
	st, err := qs.plan(qs.sliceOrder())
	if err != nil {
		return fail(err)
	}
	src, from := g.source(st)
	sel, err := g.selectList(src.s)
	if err != nil {
		return fail(err)
	}
	b := src.joinsAndWhere(sel.columns(from))
	if len(sel.groupCols) > 0 {
		b = b.GroupBy(sel.groupCols...)
	}
	if b, err = g.havingClause(b, src.s, sel.aggs); err != nil {
		return fail(err)
	}
	if b, err = g.orderClause(b, sel.names); err != nil {
		return fail(err)
	}
	if g.limit >= 0 {
		b = b.Limit(uint64(g.limit))
	}
	sql, sqlArgs, err := b.ToSql()
	if err != nil {
		return fail(err)
	}
	return sql, sqlArgs, sel.names, sel.types, st.where.truth == alwaysFalse && len(g.by) > 0, nil
}

// check refuses what cannot be grouped: chain errors, paths too deep,
// nothing to group or aggregate, a negative limit.
func (g Grouped[T]) check() error {
	qs := g.qs
	if err := qs.failure(); err != nil {
		return err
	}
	if err := checkFields(qs.model, g.by, qs.maxDepth()); err != nil {
		return err
	}
	if err := checkAggs(qs.model, g.aggs, qs.maxDepth()); err != nil {
		return err
	}
	if len(g.aggs) == 0 && len(g.by) == 0 {
		return fmt.Errorf("queryset: %s: nothing to group or aggregate", qs.model.Name)
	}
	if g.limit < -1 {
		return fmt.Errorf("queryset: %s: negative group limit", qs.model.Name)
	}
	return nil
}

// source is what the groups are made of: the QuerySet's plan, or, over a
// sliced or distinct QuerySet, its own rows as a subquery "sub" that a
// fresh scope joins from.
func (g Grouped[T]) source(st *stmt) (*stmt, sq.SelectBuilder) {
	qs := g.qs
	if !qs.sliced && !qs.distinct {
		return st, sqlgen.Builder.Select().From(sqlgen.Table(st.s.model.Table, st.s.alias))
	}
	inner := qs.applySlice(st.selectFrom(st.modelColumns()...), st).PlaceholderFormat(sq.Question)
	c := newCompiler()
	src := &stmt{c: c, s: c.scope(qs.model, "sub"), where: fragTrue}
	return src, sqlgen.Builder.Select().FromSelect(inner, "sub")
}

// groupSelect is a grouped statement's select list: the group columns, then
// the aggregates, with the names and types their values are read as.
type groupSelect struct {
	cols, names, groupCols []string
	types                  []reflect.Type
	args                   []any // the aggregates' FILTER arguments
	aggs                   map[string]aggSQL
}

func (g Grouped[T]) selectList(s *scope) (*groupSelect, error) {
	m := g.qs.model
	sel := &groupSelect{aggs: map[string]aggSQL{}}
	for _, name := range g.by {
		col, typ, err := s.projection(name)
		if err != nil {
			return nil, wrapChain(m, err)
		}
		sel.add(col+" AS "+sqlgen.Ident(name), name, typ)
		sel.groupCols = append(sel.groupCols, col)
	}
	for _, a := range g.aggs {
		as, err := s.aggregate(a)
		if err != nil {
			return nil, wrapChain(m, err)
		}
		alias := a.Alias()
		if _, dup := sel.aggs[alias]; dup || slices.Contains(g.by, alias) {
			return nil, fmt.Errorf("queryset: %s: the name %q is used twice in the result", m.Name, alias)
		}
		sel.aggs[alias] = as
		sel.add(as.sql+" AS "+sqlgen.Ident(alias), alias, as.typ)
		sel.args = append(sel.args, as.args...)
	}
	return sel, nil
}

func (sel *groupSelect) add(col, name string, typ reflect.Type) {
	sel.cols, sel.names, sel.types = append(sel.cols, col), append(sel.names, name), append(sel.types, typ)
}

// columns puts the select list on b. The aggregates' FILTER arguments come
// before WHERE's in the text; the column list is raw SQL, so its arguments
// go in through Column.
func (sel *groupSelect) columns(b sq.SelectBuilder) sq.SelectBuilder {
	for i, c := range sel.cols {
		if i == 0 {
			b = b.Column(c, sel.args...)
		} else {
			b = b.Column(c)
		}
	}
	return b
}

// havingClause adds Having's conditions: the same walk and lookups as
// Filter's, on the aggregates (an empty Q is ignored here too).
func (g Grouped[T]) havingClause(b sq.SelectBuilder, s *scope, aggs map[string]aggSQL) (sq.SelectBuilder, error) {
	if len(g.having) == 0 {
		return b, nil
	}
	h, err := s.compileCondition(resolver{model: g.qs.model, aggs: aggs}, andNode{children: g.having}, cctx{})
	if err != nil {
		return b, err
	}
	if h.truth != alwaysTrue {
		b = b.Having(h)
	}
	return b, nil
}

// orderClause orders groups by group fields or aggregate aliases.
func (g Grouped[T]) orderClause(b sq.SelectBuilder, names []string) (sq.SelectBuilder, error) {
	for _, o := range g.order {
		name, dir := o, " ASC"
		if strings.HasPrefix(o, "-") {
			name, dir = o[1:], " DESC"
		}
		if !slices.Contains(names, name) {
			return b, &orm.FieldError{Model: g.qs.model.Name, Field: o, Msg: "a grouped query orders by its group fields or aggregate aliases",
				Choices: names}
		}
		b = b.OrderBy(sqlgen.Ident(name) + dir)
	}
	return b, nil
}

// aggLeaf resolves a Having key: an aggregate alias and a lookup of the
// table that fits the aggregate's result ("count__gte").
func (r resolver) aggLeaf(key string, v any) (*cleaf, error) {
	m := r.model
	alias, lookup := havingKey(key, r.aggs)
	a, ok := r.aggs[alias]
	if !ok {
		names := make([]string, 0, len(r.aggs))
		for k := range r.aggs {
			names = append(names, k)
		}
		return nil, &orm.FieldError{Model: m.Name, Field: key, Msg: "Having refers to aggregate aliases", Choices: sorted(names)}
	}
	p := path{key: key, lookup: lookup, field: &schema.Field{Model: m, Name: alias, Kind: a.kind, Type: a.typ}}
	if !lookupFits(p, lookup) {
		return nil, badLookup(m, p, lookup)
	}
	if _, isF := v.(Expr); isF {
		return nil, &orm.FieldError{Model: m.Name, Field: key, Msg: "Having compares an aggregate with a value, not an F() expression"}
	}
	return &cleaf{value: v, p: p, field: p.field, agg: &a}, nil
}

// havingKey splits a Having key into an aggregate alias and a lookup. An
// alias may itself hold "__" (the default "price__max"), so the longest alias
// the key starts with wins: "price__max__gte" is price__max, gte.
func havingKey(key string, aggs map[string]aggSQL) (alias, lookup string) {
	if _, ok := aggs[key]; ok {
		return key, "exact"
	}
	for a := range aggs {
		if rest, ok := strings.CutPrefix(key, a+"__"); ok && len(a) > len(alias) && !strings.Contains(rest, "__") {
			alias, lookup = a, rest
		}
	}
	if alias == "" {
		alias, lookup, _ = strings.Cut(key, "__")
	}
	if lookup == "" {
		lookup = "exact"
	}
	return alias, lookup
}

func sorted(s []string) []string {
	sort.Strings(s)
	return s
}
