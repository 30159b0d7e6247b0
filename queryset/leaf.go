package queryset

import (
	"strings"

	"github.com/eagerorm/eager/internal/schema"
	"github.com/eagerorm/eager/internal/sqlgen"
	"github.com/eagerorm/eager/orm"
)

// operand is what a lookup reads: a column, or in Having an aggregate.
type operand struct {
	sql   string
	args  []any         // an aggregate's FILTER arguments
	field *schema.Field // what it holds: its kind and SQL type decide conversions and casts
	// nullable: the operand may be NULL (a nullable column, a LEFT JOIN, an
	// aggregate), so a negated comparison needs a guard.
	nullable bool
	// neverNull: the key of the related row an EXISTS ranges over, which a
	// NULL test answers without reading it.
	neverNull bool
}

// leaf compiles one lookup on a to-one path of s. fs is the scope of the
// filter's own model, which F() expressions refer to (in an EXISTS too).
func (s *scope) leaf(p path, value any, cx cctx, fs *scope) (fragment, error) {
	needLeft := cx.negated || cx.inOr || holdsOnNull(p.lookup, value)
	alias, f, nullable := s.column(p, needLeft)
	col := sqlgen.Col(alias, f.Column)
	if fx, ok := value.(Expr); ok {
		return s.compareExpr(p, col, nullable, fx, cx, fs)
	}
	o := operand{sql: col, field: f, nullable: nullable, neverNull: s != fs && !nullable && f.PK && len(p.hops) == 0}
	return compileLookup(s.root, p, o, value, cx)
}

// compileLookup compiles p's lookup, after p's transform, on o with value,
// as lookupTable describes it. m is the model errors name.
func compileLookup(m *schema.Model, p path, o operand, value any, cx cctx) (fragment, error) {
	d := lookupTable[p.lookup]
	if isNull, ok, err := nullTest(m, p, d, value); ok || err != nil {
		return o.isNull(isNull), err
	}
	lhs := o.sql
	if p.transform != "" {
		t := lookupTable[p.transform]
		lhs = t.apply(o.sql)
		if t.bounds != nil && d.shape == shapeScalar {
			v, err := scalarValue(m, p, value)
			if err != nil {
				return fragment{}, err
			}
			if e, ok := t.bounds(p.lookup, o.sql, o.field, v); ok {
				return o.guard(e, cx), nil
			}
		}
	}
	args, none, err := d.values(m, p, value)
	if err != nil {
		return fragment{}, err
	}
	if none {
		return o.guard(fragFalse, cx), nil
	}
	if d.text {
		lhs = asText(lhs, o.field)
	}
	if d.upper {
		lhs = "UPPER(" + lhs + ")"
	}
	if len(o.args) > 0 {
		args = append(append([]any(nil), o.args...), args...)
	}
	sql := lhs + " " + d.sql
	if d.render != nil {
		sql = d.render(lhs)
	}
	return o.guard(fragment{sql: sql, args: args}, cx), nil
}

// nullTest reads a NULL test: isnull's true or false, or a nil value where
// nil means IS NULL. ok is false for any other lookup or value.
func nullTest(m *schema.Model, p path, d lookupDef, value any) (isNull, ok bool, err error) {
	switch {
	case d.shape == shapeBool:
		isNull, err = boolValue(m, p, value)
		return isNull, true, err
	case d.nilIsNull && isNilValue(value):
		return true, true, nil
	}
	return false, false, nil
}

// isNull is the NULL test on o (or its negation).
func (o operand) isNull(isNull bool) fragment {
	switch {
	case o.neverNull && isNull:
		return fragFalse
	case o.neverNull:
		return fragTrue
	case isNull:
		return fragment{sql: o.sql + " IS NULL", args: o.args}
	}
	return fragment{sql: o.sql + " IS NOT NULL", args: o.args}
}

// values converts a lookup's value as its shape says, to the statement's
// arguments. none reports a value that can match nothing (an empty list, a
// nil bound).
func (d lookupDef) values(m *schema.Model, p path, value any) (args []any, none bool, err error) {
	switch d.shape {
	case shapeScalar:
		v, err := scalarValue(m, p, value)
		return []any{v}, false, err
	case shapePattern:
		s, err := stringValue(m, p, value)
		if d.like != "" {
			s = strings.Replace(d.like, "v", escapeLike(s), 1)
		}
		return []any{s}, false, err
	case shapeList:
		list, err := listValue(m, p, kindOf(p), value)
		return []any{list}, list == nil, err
	case shapePair:
		lo, hi, err := rangeValue(m, p, kindOf(p), value)
		return []any{lo, hi}, lo == nil || hi == nil, err // BETWEEN NULL matches nothing, as in Django
	}
	return nil, false, badLookup(m, p, p.lookup)
}

// scalarValue converts the value of a comparison: nil is not one (isnull is).
func scalarValue(m *schema.Model, p path, value any) (any, error) {
	v, err := convertValue(m, p, kindOf(p), value)
	if err == nil && v == nil {
		err = &orm.FieldError{Model: m.Name, Field: p.key, Msg: "cannot compare with nil; use isnull"}
	}
	return v, err
}

// guard makes a comparison on a nullable operand two-valued under negation:
// NOT (col = v) alone would drop the rows where col is NULL, so it becomes
// NOT (col = v AND col IS NOT NULL), which keeps them, as Django does.
func (o operand) guard(e fragment, cx cctx) fragment {
	if !cx.negated || !o.nullable || e.truth != variable {
		return e
	}
	args := e.args
	if len(o.args) > 0 {
		args = append(append([]any(nil), e.args...), o.args...)
	}
	return fragment{sql: "(" + e.sql + " AND " + o.sql + " IS NOT NULL)", args: args}
}

// asText casts non-text columns (enums, uuids) for the text lookups.
func asText(lhs string, f *schema.Field) string {
	t := strings.ToLower(f.SQLType)
	if t == "text" || strings.HasPrefix(t, "varchar") || strings.HasPrefix(t, "character varying") {
		return lhs
	}
	return sqlgen.D.AsText(lhs)
}

// escapeLike makes every character of s literal in a LIKE pattern
// (backslash is PostgreSQL's default LIKE escape character).
func escapeLike(s string) string {
	return likeEscaper.Replace(s)
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// yearBounds compiles year / year__gt... as a range on the column itself, so
// an index on it is used: created_at__year=2024 is
// created_at >= <2024-01-01> AND created_at < <2025-01-01>, the bounds in the
// session's time zone (as ::date and EXTRACT are).
func yearBounds(lookup, col string, f *schema.Field, v any) (fragment, bool) {
	year, isInt := v.(int64)
	if !isInt {
		return fragment{}, false
	}
	start := "make_timestamptz(?, 1, 1, 0, 0, 0)"
	sqlType := strings.ToLower(f.SQLType)
	switch {
	case f.Kind == schema.KindDate:
		start = "make_date(?, 1, 1)"
	case strings.HasPrefix(sqlType, "timestamp") && !strings.Contains(sqlType, "tz") && !strings.Contains(sqlType, "with time zone"):
		start = "make_timestamp(?, 1, 1, 0, 0, 0)"
	}
	ge := func(y int64) fragment { return fragment{sql: col + " >= " + start, args: []any{y}} }
	lt := func(y int64) fragment { return fragment{sql: col + " < " + start, args: []any{y}} }
	switch lookup {
	case "exact":
		return andFrags([]fragment{ge(year), lt(year + 1)}), true
	case "gt":
		return ge(year + 1), true
	case "gte":
		return ge(year), true
	case "lt":
		return lt(year), true
	case "lte":
		return lt(year + 1), true
	}
	return fragment{}, false
}
