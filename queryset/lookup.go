package queryset

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/eagerorm/eager/internal/anyslice"
	"github.com/eagerorm/eager/internal/pgvalue"
	"github.com/eagerorm/eager/internal/schema"

	"github.com/eagerorm/eager/orm"
	"github.com/jackc/pgx/v5/pgtype"
)

// leaf compiles one lookup on a to-one path of s. fs is the scope of the
// filter's own model, which F() expressions refer to (in an EXISTS too).
func (s *scope) leaf(p path, value any, cx cctx, fs *scope) (expr, error) {
	m := s.root
	isNullTrue := p.lookup == "isnull" && value == true
	// iexact=None is IS NULL too, as in Django.
	nilExact := (p.lookup == "exact" || p.lookup == "iexact") && isNilValue(value)
	needLeft := cx.negated || cx.inOr || isNullTrue || nilExact
	alias, f, nullable := s.column(p, needLeft)
	col := qcol(alias, f.Column)
	lhs := col
	kind := kindOf(p)

	if fx, ok := value.(Expr); ok {
		return s.compareExpr(p, lhs, col, nullable, fx, cx, fs)
	}

	var e expr
	isNull := nilExact
	if p.lookup == "isnull" {
		var err error
		if isNull, err = boolValue(m, p, value); err != nil {
			return expr{}, err
		}
	}
	if p.lookup == "isnull" || nilExact {
		if s != fs && !nullable && f.PK && len(p.hops) == 0 {
			// The key of a related row an EXISTS ranges over: never NULL.
			if isNull {
				return falseExpr, nil
			}
			return trueExpr, nil
		}
		if isNull {
			return expr{sql: col + " IS NULL"}, nil
		}
		return expr{sql: col + " IS NOT NULL"}, nil
	}

	switch p.transform {
	case "date":
		lhs = "(" + col + ")::date"
	case "year":
		if bounds, ok, err := s.yearBounds(p, f, col, value); ok || err != nil {
			return s.guard(bounds, col, nullable, cx), err
		}
		lhs = "EXTRACT(YEAR FROM " + col + ")"
	case "month", "day":
		lhs = "EXTRACT(" + strings.ToUpper(p.transform) + " FROM " + col + ")"
	}

	switch p.lookup {
	case "exact", "gt", "gte", "lt", "lte":
		v, err := convertValue(m, p, kind, value)
		if err != nil {
			return expr{}, err
		}
		if v == nil {
			return expr{}, &orm.FieldError{Model: m.Name, Field: p.key, Msg: "cannot compare with nil; use isnull"}
		}
		e = expr{sql: lhs + " " + comparisons[p.lookup] + " ?", args: []any{v}}
	case "iexact":
		v, err := stringValue(m, p, value)
		if err != nil {
			return expr{}, err
		}
		e = expr{sql: "UPPER(" + asText(lhs, f) + ") = UPPER(?)", args: []any{v}}
	case "contains", "icontains", "startswith", "istartswith", "endswith", "iendswith":
		v, err := stringValue(m, p, value)
		if err != nil {
			return expr{}, err
		}
		pattern := escapeLike(v)
		base := strings.TrimPrefix(p.lookup, "i")
		if base != "startswith" {
			pattern = "%" + pattern
		}
		if base != "endswith" {
			pattern += "%"
		}
		if strings.HasPrefix(p.lookup, "i") {
			// As Django: ILIKE folds case differently on non-ASCII text
			// (final sigma, dotless i, long s) and would return other rows.
			e = expr{sql: "UPPER(" + asText(lhs, f) + ") LIKE UPPER(?)", args: []any{pattern}}
			break
		}
		e = expr{sql: asText(lhs, f) + " LIKE ?", args: []any{pattern}}
	case "regex", "iregex":
		v, err := stringValue(m, p, value)
		if err != nil {
			return expr{}, err
		}
		op := " ~ "
		if p.lookup == "iregex" {
			op = " ~* "
		}
		e = expr{sql: asText(lhs, f) + op + "?", args: []any{v}}
	case "in":
		list, err := listValue(m, p, kind, value)
		if err != nil {
			return expr{}, err
		}
		if list == nil {
			return s.guard(falseExpr, col, nullable, cx), nil
		}
		e = expr{sql: lhs + " = ANY(?)", args: []any{list}}
	case "range":
		lo, hi, err := rangeValue(m, p, kind, value)
		if err != nil {
			return expr{}, err
		}
		if lo == nil || hi == nil { // BETWEEN NULL matches nothing, as in Django
			return s.guard(falseExpr, col, nullable, cx), nil
		}
		e = expr{sql: lhs + " BETWEEN ? AND ?", args: []any{lo, hi}}
	default:
		return expr{}, badLookup(m, p, p.lookup)
	}
	return s.guard(e, col, nullable, cx), nil
}

var comparisons = map[string]string{"exact": "=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}

// guard makes a comparison on a nullable column two-valued under negation:
// NOT (col = v) alone would drop the rows where col is NULL, so it becomes
// NOT (col = v AND col IS NOT NULL), which keeps them, as Django does.
func (s *scope) guard(e expr, col string, nullable bool, cx cctx) expr {
	if !cx.negated || !nullable || e.konst != 0 {
		return e
	}
	return expr{sql: "(" + e.sql + " AND " + col + " IS NOT NULL)", args: e.args}
}

// asText casts non-text columns (enums, uuids) for the text lookups.
func asText(lhs string, f *schema.Field) string {
	switch strings.ToLower(f.SQLType) {
	case "text":
		return lhs
	}
	if strings.HasPrefix(strings.ToLower(f.SQLType), "varchar") || strings.HasPrefix(strings.ToLower(f.SQLType), "character varying") {
		return lhs
	}
	return lhs + "::text"
}

// escapeLike makes every character of s literal in a LIKE pattern
// (backslash is PostgreSQL's default LIKE escape character).
func escapeLike(s string) string {
	return likeEscaper.Replace(s)
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

func stringValue(m *schema.Model, p path, v any) (string, error) {
	if dv, _, err := pgvalue.Resolve(v); err == nil && dv != nil {
		v = dv // a Valuer's text is what the server compares
	}
	rv := reflect.ValueOf(v)
	if v == nil || rv.Kind() != reflect.String {
		return "", &orm.FieldError{Model: m.Name, Field: p.key, Value: v,
			Msg: fmt.Sprintf("lookup %q takes a string, not %#v (%T)", p.lookup, v, v)}
	}
	s := rv.String()
	if strings.IndexByte(s, 0) >= 0 {
		return "", &orm.FieldError{Model: m.Name, Field: p.key, Value: v,
			Msg: "the value contains a NUL byte, which PostgreSQL text cannot store"}
	}
	return s, nil
}

// listValue converts the elements of an "in" list and returns them as one
// array parameter (= ANY($1): one placeholder whatever the length). NULLs are
// dropped, as SQL's IN would never match them; nil means nothing can match.
func listValue(m *schema.Model, p path, kind schema.ColumnKind, v any) (any, error) {
	rv := reflect.ValueOf(v)
	if v == nil || (rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array) || rv.Type().Elem().Kind() == reflect.Uint8 {
		return nil, &orm.FieldError{Model: m.Name, Field: p.key, Value: v,
			Msg: fmt.Sprintf("lookup \"in\" takes a slice, not %#v (%T)", v, v)}
	}
	vals := make([]any, 0, rv.Len())
	for i := 0; i < rv.Len(); i++ {
		c, err := convertValue(m, p, kind, rv.Index(i).Interface())
		if err != nil {
			return nil, err
		}
		if c != nil {
			vals = append(vals, c)
		}
	}
	if len(vals) == 0 {
		return nil, nil
	}
	return typedSlice(kind, vals), nil
}

// typedSlice builds a slice pgx encodes as the column's array type.
func typedSlice(kind schema.ColumnKind, vals []any) any {
	switch kind {
	case schema.KindInt:
		return anyslice.Typed[int64](vals)
	case schema.KindFloat:
		return anyslice.Typed[float64](vals)
	case schema.KindString:
		if s, ok := anyslice.Typed[string](vals).([]string); ok {
			return s
		}
	case schema.KindBool:
		return anyslice.Typed[bool](vals)
	case schema.KindTime, schema.KindDate:
		if s, ok := timeArrayText(kind, vals); ok {
			return s
		}
		return anyslice.Typed[time.Time](vals)
	case schema.KindUUID:
		if ids, ok := anyslice.Typed[[16]byte](vals).([][16]byte); ok {
			out := make([]pgtype.UUID, len(ids))
			for i, id := range ids {
				out[i] = pgtype.UUID{Bytes: id, Valid: true}
			}
			return out
		}
	case schema.KindNumeric:
		// Numbers given as strings keep their precision as text[]: under
		// pgx's exec and simple_protocol modes a []any has no type.
		if s, ok := anyslice.Typed[string](vals).([]string); ok {
			return s
		}
	}
	return vals
}

func rangeValue(m *schema.Model, p path, kind schema.ColumnKind, v any) (any, any, error) {
	rv := reflect.ValueOf(v)
	if v == nil || (rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array) || rv.Len() != 2 {
		return nil, nil, &orm.FieldError{Model: m.Name, Field: p.key, Value: v,
			Msg: fmt.Sprintf("lookup \"range\" takes two values ([]any{lo, hi}), not %#v", v)}
	}
	lo, err := convertValue(m, p, kind, rv.Index(0).Interface())
	if err != nil {
		return nil, nil, err
	}
	hi, err := convertValue(m, p, kind, rv.Index(1).Interface())
	if err != nil {
		return nil, nil, err
	}
	return lo, hi, nil // a nil bound: the caller matches nothing
}

// yearBounds compiles year / year__gt... as a range on the column itself, so
// an index on it is used: created_at__year=2024 is
// created_at >= <2024-01-01> AND created_at < <2025-01-01>, the bounds in the
// session's time zone (as ::date and EXTRACT are).
func (s *scope) yearBounds(p path, f *schema.Field, col string, value any) (expr, bool, error) {
	switch p.lookup {
	case "exact", "gt", "gte", "lt", "lte":
	default:
		return expr{}, false, nil
	}
	v, err := convertValue(s.root, p, schema.KindInt, value)
	if err != nil || v == nil {
		if err == nil {
			err = &orm.FieldError{Model: s.root.Name, Field: p.key, Msg: "cannot compare a year with nil; use isnull"}
		}
		return expr{}, true, err
	}
	year := v.(int64)
	start := func(y int64) (string, []any) {
		switch {
		case f.Kind == schema.KindDate:
			return "make_date(?, 1, 1)", []any{y}
		case strings.HasPrefix(strings.ToLower(f.SQLType), "timestamp") && !strings.Contains(strings.ToLower(f.SQLType), "tz") &&
			!strings.Contains(strings.ToLower(f.SQLType), "with time zone"):
			return "make_timestamp(?, 1, 1, 0, 0, 0)", []any{y}
		}
		return "make_timestamptz(?, 1, 1, 0, 0, 0)", []any{y}
	}
	ge := func(y int64) expr { sql, args := start(y); return expr{sql: col + " >= " + sql, args: args} }
	lt := func(y int64) expr { sql, args := start(y); return expr{sql: col + " < " + sql, args: args} }
	switch p.lookup {
	case "exact":
		return andExprs([]expr{ge(year), lt(year + 1)}), true, nil
	case "gt":
		return ge(year + 1), true, nil
	case "gte":
		return ge(year), true, nil
	case "lt":
		return lt(year), true, nil
	}
	return lt(year + 1), true, nil // lte
}

// compareExpr compiles a comparison with an F() expression on the right.
func (s *scope) compareExpr(p path, lhs, col string, nullable bool, fx Expr, cx cctx, fs *scope) (expr, error) {
	op, ok := comparisons[p.lookup]
	if !ok || p.transform != "" {
		return expr{}, &orm.FieldError{Model: s.root.Name, Field: p.key,
			Msg: fmt.Sprintf("F() expressions work with exact, gt, gte, lt and lte, not %q", p.lookup)}
	}
	rhs, nullCols, err := fs.compileF(fx, cx.negated || cx.inOr)
	if err != nil {
		return expr{}, err
	}
	e := expr{sql: lhs + " " + op + " " + rhs.sql, args: rhs.args}
	if !cx.negated {
		return e, nil
	}
	guards := []string{e.sql}
	if nullable {
		guards = append(guards, col+" IS NOT NULL")
	}
	for _, c := range nullCols {
		guards = append(guards, c+" IS NOT NULL")
	}
	if len(guards) == 1 {
		return e, nil
	}
	return expr{sql: "(" + strings.Join(guards, " AND ") + ")", args: e.args}, nil
}

// compileF renders an F() expression; it returns the nullable columns it
// reads, for negation guards.
func (s *scope) compileF(fx Expr, needLeft bool) (expr, []string, error) {
	if fx.op == "" {
		p, err := resolvePath(s.model, fx.field, false)
		if err != nil {
			return expr{}, nil, err
		}
		if p.firstMulti() >= 0 || (p.field.Rel != nil && p.field.Rel.Multi()) {
			return expr{}, nil, &orm.FieldError{Model: s.model.Name, Field: fx.field,
				Msg: "F() cannot refer to a multi-valued relation"}
		}
		alias, f, nullable := s.column(p, needLeft)
		c := qcol(alias, f.Column)
		var nulls []string
		if nullable {
			nulls = []string{c}
		}
		return expr{sql: c}, nulls, nil
	}
	l, ln, err := s.compileF(*fx.left, needLeft)
	if err != nil {
		return expr{}, nil, err
	}
	var r expr
	var rn []string
	if rx, ok := fx.right.(Expr); ok {
		r, rn, err = s.compileF(rx, needLeft)
		if err != nil {
			return expr{}, nil, err
		}
	} else {
		v, err := s.operand(fx, fx.right)
		if err != nil {
			return expr{}, nil, err
		}
		r = expr{sql: "?", args: []any{v}}
	}
	return expr{sql: "(" + l.sql + " " + fx.op + " " + r.sql + ")", args: append(l.args, r.args...)}, append(ln, rn...), nil
}
