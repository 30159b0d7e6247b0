package queryset

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	"github.com/eagerorm/eager/internal/schema"
	"github.com/eagerorm/eager/internal/sqlgen"
	"github.com/eagerorm/eager/orm"
)

// Agg is an aggregate: Count, Sum, Avg, Min or Max of a field (a path across
// relations is allowed; a multi-valued one is joined, so Count("reviews")
// counts each book's reviews).
type Agg struct {
	fn       string
	field    string
	alias    string
	distinct bool
	filter   []Node
}

// Count counts the rows where field is not NULL; Count("*") counts rows.
func Count(field string) Agg { return Agg{fn: "COUNT", field: field} }

// Sum adds up field; NULL (nil) over no rows.
func Sum(field string) Agg { return Agg{fn: "SUM", field: field} }

// Avg averages field; NULL (nil) over no rows.
func Avg(field string) Agg { return Agg{fn: "AVG", field: field} }

// Min is field's smallest value.
func Min(field string) Agg { return Agg{fn: "MIN", field: field} }

// Max is field's largest value.
func Max(field string) Agg { return Agg{fn: "MAX", field: field} }

// As names the result (default "<field>__<fn>", e.g. "total__sum"; "count" for Count("*")).
func (a Agg) As(alias string) Agg { a.alias = alias; return a }

// Distinct aggregates distinct values only (COUNT(DISTINCT ...)): use it when
// two aggregates over different multi-valued relations would otherwise
// multiply each other's rows.
func (a Agg) Distinct() Agg { a.distinct = true; return a }

// Filter aggregates only the rows matching the nodes: FILTER (WHERE ...).
// Conditions on the aggregated relation apply to the aggregated related row.
func (a Agg) Filter(nodes ...Node) Agg {
	a.filter = append(append([]Node(nil), a.filter...), nodes...)
	return a
}

// Alias is the name the aggregate's result is reported under.
func (a Agg) Alias() string {
	if a.alias != "" {
		return a.alias
	}
	if a.field == "*" {
		return "count"
	}
	return a.field + "__" + strings.ToLower(a.fn)
}

// compiled aggregate: SQL and the Go type of its result.
type aggSQL struct {
	sql  string
	args []any
	typ  reflect.Type
	kind schema.ColumnKind
}

var int64Type = reflect.TypeFor[int64]()

func (s *scope) aggregate(a Agg) (aggSQL, error) {
	if a.fn == "" {
		return aggSQL{}, fmt.Errorf("queryset: empty aggregate (use Count, Sum, Avg, Min or Max)")
	}
	var arg string
	var f *schema.Field
	if a.field == "*" {
		if a.fn != "COUNT" || a.distinct {
			return aggSQL{}, &orm.FieldError{Model: s.model.Name, Field: a.field, Msg: "only Count takes \"*\" (and not with Distinct)"}
		}
		arg = "*"
	} else {
		p, err := resolvePath(s.model, a.field, false)
		if err != nil {
			return aggSQL{}, err
		}
		var alias string
		alias, f, _ = s.column(p, true)
		arg = sqlgen.Col(alias, f.Column)
		if a.distinct {
			arg = "DISTINCT " + arg
		}
		if a.fn != "COUNT" && a.fn != "MIN" && a.fn != "MAX" {
			switch f.Kind {
			case schema.KindInt, schema.KindFloat, schema.KindNumeric, schema.KindInterval:
			default:
				return aggSQL{}, &orm.FieldError{Model: s.model.Name, Field: a.field,
					Msg: fmt.Sprintf("%s needs a numeric field, not %s field %s", a.fn, f.Kind, f)}
			}
		}
	}
	out := aggSQL{sql: a.fn + "(" + arg + ")", typ: int64Type, kind: schema.KindInt}
	if f != nil && a.fn != "COUNT" {
		out.typ, out.kind = valueType(f), f.Kind
		switch {
		case a.fn == "AVG" && (f.Kind == schema.KindInt || f.Kind == schema.KindFloat):
			out.typ, out.kind = reflect.TypeFor[float64](), schema.KindFloat
		case a.fn == "SUM" && f.Kind == schema.KindInt:
			out.typ = int64Type
		}
	}
	if len(a.filter) > 0 {
		e, err := s.compileNode(andNode{children: a.filter}, cctx{joinMulti: true})
		if err != nil {
			return aggSQL{}, err
		}
		switch e.truth {
		case variable:
			out.sql = sqlgen.D.AggFilter(out.sql, e.sql)
			out.args = e.args
		case alwaysFalse:
			out.sql = sqlgen.D.AggFilter(out.sql, "FALSE")
		}
	}
	return out, nil
}

// Aggregate computes aggregates over the QuerySet's rows in one statement
// and returns them by alias: Aggregate(ctx, qs, Sum("total"), Count("*"))
// gives {"total__sum": ..., "count": ...}. Over a sliced or distinct
// QuerySet the aggregates run over a subquery of its rows.
func Aggregate[T any](ctx context.Context, qs QuerySet[T], aggs ...Agg) (map[string]any, error) {
	g := qs.GroupBy().Annotate(aggs...)
	rows, err := g.Values(ctx)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 { // a filter that matches nothing: aggregates of no rows
		row := map[string]any{}
		for _, a := range aggs {
			row[a.Alias()] = nil
			if a.fn == "COUNT" {
				row[a.Alias()] = int64(0)
			}
		}
		return row, nil
	}
	return rows[0], nil
}
