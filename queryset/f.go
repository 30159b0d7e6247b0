package queryset

import (
	"time"

	"github.com/eagerorm/eager/internal/schema"
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
