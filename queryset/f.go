package queryset

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
