package queryset

import (
	"fmt"
	"strings"
	"time"

	"github.com/eagerorm/eager/internal/schema"
	"github.com/eagerorm/eager/internal/sqlgen"
	"github.com/eagerorm/eager/orm"
	"github.com/jackc/pgx/v5/pgtype"
)

// Expr is a column reference with optional arithmetic, used as a filter
// value (Q{"total__gt": F("discount")}) or in Update
// (map[string]any{"total": F("total").Mul(1.1)}).
type Expr struct {
	field string // the field path for a plain reference
	op    string // "+", "-", "*", "/" for an operation
	left  *Expr
	right any // a value or an Expr
}

// F refers to a field (or a to-one path, "customer__credit") of the row.
func F(field string) Expr { return Expr{field: field} }

// Add returns e + v (v is a value or another Expr).
func (e Expr) Add(v any) Expr { return e.bin("+", v) }

// Sub returns e - v.
func (e Expr) Sub(v any) Expr { return e.bin("-", v) }

// Mul returns e * v.
func (e Expr) Mul(v any) Expr { return e.bin("*", v) }

// Div returns e / v.
func (e Expr) Div(v any) Expr { return e.bin("/", v) }

func (e Expr) bin(op string, v any) Expr {
	l := e
	return Expr{op: op, left: &l, right: v}
}

// operand converts a plain value of F() arithmetic to the type of the column
// it is combined with (the expression's leftmost field), through the same
// conversion as every other value: PostgreSQL infers the parameter's type
// from that column, so a value that does not fit it (1.5 for an integer
// column) is refused here instead of failing on the server. A timestamp or
// date column takes an interval (time.Duration), a date also whole days.
func (s *scope) operand(fx Expr, v any) (any, error) {
	left := fx
	for left.op != "" && left.left != nil {
		left = *left.left
	}
	p, err := resolvePath(s.model, left.field, false)
	if err != nil {
		return nil, err
	}
	kind := kindOf(p)
	if kind == schema.KindTime || kind == schema.KindDate {
		switch v.(type) {
		case time.Duration, pgtype.Interval:
			kind = schema.KindInterval
		case int, int8, int16, int32, int64:
			if kind == schema.KindDate {
				kind = schema.KindInt
			}
		}
	}
	return convertValue(s.model, p, kind, v)
}

// compareExpr compiles a comparison of col with an F() expression on the
// right.
func (s *scope) compareExpr(p path, col string, nullable bool, fx Expr, cx cctx, fs *scope) (fragment, error) {
	op := lookupTable[p.lookup].op
	if op == "" || p.transform != "" {
		return fragment{}, &orm.FieldError{Model: s.root.Name, Field: p.key,
			Msg: fmt.Sprintf("F() expressions work with exact, gt, gte, lt and lte, not %q", p.lookup)}
	}
	rhs, nullCols, err := fs.compileF(fx, cx.negated || cx.inOr)
	if err != nil {
		return fragment{}, err
	}
	e := fragment{sql: col + " " + op + " " + rhs.sql, args: rhs.args}
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
	return fragment{sql: "(" + strings.Join(guards, " AND ") + ")", args: e.args}, nil
}

// compileF renders an F() expression; it returns the nullable columns it
// reads, for negation guards.
func (s *scope) compileF(fx Expr, needLeft bool) (fragment, []string, error) {
	if fx.op == "" {
		p, err := resolvePath(s.model, fx.field, false)
		if err != nil {
			return fragment{}, nil, err
		}
		if p.firstMulti() >= 0 || (p.field.Rel != nil && p.field.Rel.Multi()) {
			return fragment{}, nil, &orm.FieldError{Model: s.model.Name, Field: fx.field,
				Msg: "F() cannot refer to a multi-valued relation"}
		}
		alias, f, nullable := s.column(p, needLeft)
		c := sqlgen.Col(alias, f.Column)
		var nulls []string
		if nullable {
			nulls = []string{c}
		}
		return fragment{sql: c}, nulls, nil
	}
	l, ln, err := s.compileF(*fx.left, needLeft)
	if err != nil {
		return fragment{}, nil, err
	}
	var r fragment
	var rn []string
	if rx, ok := fx.right.(Expr); ok {
		r, rn, err = s.compileF(rx, needLeft)
		if err != nil {
			return fragment{}, nil, err
		}
	} else {
		v, err := s.operand(fx, fx.right)
		if err != nil {
			return fragment{}, nil, err
		}
		r = fragment{sql: "?", args: []any{v}}
	}
	return fragment{sql: "(" + l.sql + " " + fx.op + " " + r.sql + ")", args: append(l.args, r.args...)}, append(ln, rn...), nil
}
