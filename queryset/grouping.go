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
	if err := qs.failure(); err != nil {
		return fail(err)
	}
	if err := checkFields(qs.model, g.by, qs.maxDepth()); err != nil {
		return fail(err)
	}
	if err := checkAggs(qs.model, g.aggs, qs.maxDepth()); err != nil {
		return fail(err)
	}
	if len(g.aggs) == 0 && len(g.by) == 0 {
		return fail(fmt.Errorf("queryset: %s: nothing to group or aggregate", qs.model.Name))
	}
	if g.limit < -1 {
		return fail(fmt.Errorf("queryset: %s: negative group limit", qs.model.Name))
	}
	st, err := qs.plan(qs.sliceOrder())
	if err != nil {
		return fail(err)
	}
	// Over a sliced or distinct QuerySet, aggregate its own rows: they become
	// a subquery "sub", and a fresh scope joins from there.
	src, from := st, sqlgen.Builder.Select().From(sqlgen.Table(st.s.model.Table, st.s.alias))
	if qs.sliced || qs.distinct {
		inner := qs.applySlice(st.selectFrom(st.modelColumns()...), st).PlaceholderFormat(sq.Question)
		c := newCompiler()
		src = &stmt{c: c, s: c.scope(qs.model, "sub"), where: fragTrue}
		from = sqlgen.Builder.Select().FromSelect(inner, "sub")
	}
	var cols, names, groupCols []string
	var types []reflect.Type
	var args []any
	for _, name := range g.by {
		col, typ, err := src.s.projection(name)
		if err != nil {
			return fail(wrapChain(qs.model, err))
		}
		cols = append(cols, col+" AS "+sqlgen.Ident(name))
		groupCols = append(groupCols, col)
		names, types = append(names, name), append(types, typ)
	}
	aggByAlias := map[string]aggSQL{}
	for _, a := range g.aggs {
		as, err := src.s.aggregate(a)
		if err != nil {
			return fail(wrapChain(qs.model, err))
		}
		alias := a.Alias()
		if _, dup := aggByAlias[alias]; dup || slices.Contains(g.by, alias) {
			return fail(fmt.Errorf("queryset: %s: the name %q is used twice in the result", qs.model.Name, alias))
		}
		aggByAlias[alias] = as
		cols = append(cols, as.sql+" AS "+sqlgen.Ident(alias))
		args = append(args, as.args...)
		names, types = append(names, alias), append(types, as.typ)
	}
	// The aggregates' FILTER arguments come before WHERE's in the text; the
	// column list is raw SQL, so its arguments go in through Column.
	b := from
	for i, c := range cols {
		if i == 0 {
			b = b.Column(c, args...)
		} else {
			b = b.Column(c)
		}
	}
	b = src.joinsAndWhere(b)
	if len(groupCols) > 0 {
		b = b.GroupBy(groupCols...)
	}
	if len(g.having) > 0 {
		// The same walk and lookups as Filter's, on the aggregates: an
		// empty Q is ignored here too.
		h, err := src.s.compileCondition(resolver{model: qs.model, aggs: aggByAlias}, andNode{children: g.having}, cctx{})
		if err != nil {
			return fail(err)
		}
		if h.truth != alwaysTrue {
			b = b.Having(h)
		}
	}
	for _, o := range g.order {
		name, dir := o, " ASC"
		if strings.HasPrefix(o, "-") {
			name, dir = o[1:], " DESC"
		}
		if !slices.Contains(names, name) {
			return fail(&orm.FieldError{Model: qs.model.Name, Field: o, Msg: "a grouped query orders by its group fields or aggregate aliases",
				Choices: names})
		}
		b = b.OrderBy(sqlgen.Ident(name) + dir)
	}
	if g.limit >= 0 {
		b = b.Limit(uint64(g.limit))
	}
	sql, sqlArgs, err := b.ToSql()
	if err != nil {
		return fail(err)
	}
	return sql, sqlArgs, names, types, st.where.truth == alwaysFalse && len(g.by) > 0, nil
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
