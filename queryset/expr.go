package queryset

import "strings"

// fragment is a compiled piece of SQL with ? placeholders (squirrel turns
// them into $n for the whole statement) and its arguments. (Expr, exported,
// is something else: the F() expression a user writes, which compiles to a
// fragment.) truth marks fragments known to be always true or always false
// ("in" with an empty list), which fold away, so a filter that can match
// nothing runs no query at all.
type fragment struct {
	sql   string
	args  []any
	truth truth
}

// truth is what is known of a fragment's value before it runs.
type truth int8

const (
	variable    truth = 0 // a real condition
	alwaysTrue  truth = 1
	alwaysFalse truth = -1 // the negation of alwaysTrue: combine relies on it
)

var (
	fragTrue  = fragment{sql: "TRUE", truth: alwaysTrue}
	fragFalse = fragment{sql: "FALSE", truth: alwaysFalse}
)

func (e fragment) ToSql() (string, []any, error) { return e.sql, e.args, nil }

func andFrags(parts []fragment) fragment { return combine(parts, " AND ", alwaysFalse) }

func orFrags(parts []fragment) fragment { return combine(parts, " OR ", alwaysTrue) }

// combine joins parts with op; absorbing is the constant that decides the
// whole (false for AND, true for OR); the other constant is dropped.
func combine(parts []fragment, op string, absorbing truth) fragment {
	var keep []fragment
	for _, p := range parts {
		switch p.truth {
		case absorbing:
			return p
		case -absorbing:
			continue
		}
		keep = append(keep, p)
	}
	switch len(keep) {
	case 0:
		if absorbing == alwaysFalse {
			return fragTrue // an empty AND
		}
		return fragFalse // an empty OR
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
	return fragment{sql: sb.String(), args: args}
}

func notFrag(e fragment) fragment {
	switch e.truth {
	case alwaysTrue:
		return fragFalse
	case alwaysFalse:
		return fragTrue
	}
	return fragment{sql: "NOT " + parens(e.sql), args: e.args}
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
