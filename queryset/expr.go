package queryset

import "strings"

// expr is a compiled SQL fragment with ? placeholders (squirrel turns them
// into $n for the whole statement) and its arguments. konst marks fragments
// known to be always true or always false ("in" with an empty list), which
// fold away, so a filter that can match nothing runs no query at all.
type expr struct {
	sql   string
	args  []any
	konst int8 // 0: a real condition; 1: always true; -1: always false
}

var (
	trueExpr  = expr{sql: "TRUE", konst: 1}
	falseExpr = expr{sql: "FALSE", konst: -1}
)

func (e expr) ToSql() (string, []any, error) { return e.sql, e.args, nil }

func andExprs(parts []expr) expr { return combine(parts, " AND ", -1) }

func orExprs(parts []expr) expr { return combine(parts, " OR ", 1) }

// combine joins parts with op; absorbing is the constant that decides the
// whole (false for AND, true for OR); the other constant is dropped.
func combine(parts []expr, op string, absorbing int8) expr {
	var keep []expr
	for _, p := range parts {
		switch p.konst {
		case absorbing:
			return p
		case -absorbing:
			continue
		}
		keep = append(keep, p)
	}
	switch len(keep) {
	case 0:
		if absorbing == -1 {
			return trueExpr // an empty AND
		}
		return falseExpr // an empty OR
	case 1:
		return keep[0]
	}
	var sb strings.Builder
	var args []any
	sb.WriteByte('(')
	for i, p := range keep {
		if i > 0 {
			sb.WriteString(op)
		}
		sb.WriteString(p.sql)
		args = append(args, p.args...)
	}
	sb.WriteByte(')')
	return expr{sql: sb.String(), args: args}
}

func notExpr(e expr) expr {
	switch e.konst {
	case 1:
		return falseExpr
	case -1:
		return trueExpr
	}
	return expr{sql: "NOT " + parens(e.sql), args: e.args}
}

// parens wraps s unless it is already one parenthesised group.
func parens(s string) string {
	if len(s) >= 2 && s[0] == '(' && s[len(s)-1] == ')' {
		depth := 0
		for i := 0; i < len(s); i++ {
			switch s[i] {
			case '(':
				depth++
			case ')':
				depth--
				if depth == 0 && i < len(s)-1 {
					return "(" + s + ")"
				}
			}
		}
		return s
	}
	return "(" + s + ")"
}
