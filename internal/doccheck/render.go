package doccheck

import (
	"regexp"
	"strconv"
	"strings"
)

// Statement is one statement a checked Go block sent, with its arguments
// rendered as SQL literals.
type Statement struct {
	SQL   string
	Args  []string
	Batch int // how many statements went in the same round trip, 0 alone
}

// FormatStatements renders statements as a doc's sql block shows them: each
// statement broken before its main clauses and ended with ";", then its
// arguments on a comment line ("-- $1 = 'Ann', $2 = 4"); a model's full
// column list is abbreviated ("book".…).
func FormatStatements(stmts []Statement) string {
	if len(stmts) == 0 {
		return NoStatement
	}
	var b strings.Builder
	inBatch := 0 // statements of the current batch still to come
	for i, s := range stmts {
		if i > 0 {
			b.WriteByte('\n')
		}
		if inBatch == 0 && s.Batch > 1 {
			b.WriteString("-- the next " + strconv.Itoa(s.Batch) + " statements go in one round trip (pgx.Batch)\n")
			inBatch = s.Batch
		}
		if inBatch > 0 {
			inBatch--
		}
		b.WriteString(breakClauses(Abbreviate(s.SQL)) + ";")
		if args := FormatArgs(s.Args); args != "" {
			b.WriteString("\n-- " + args)
		}
	}
	return b.String()
}

// NoStatement is the sql block of Go code that sends nothing.
const NoStatement = "-- no statement is sent"

// FormatArgs renders arguments as "$1 = 'Ann', $2 = 4".
func FormatArgs(args []string) string {
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = "$" + strconv.Itoa(i+1) + " = " + a
	}
	return strings.Join(parts, ", ")
}

// clauses are the keywords a formatted statement starts a new line with,
// outside parentheses.
var clauses = []string{" FROM ", " INNER JOIN ", " LEFT JOIN ", " WHERE ", " GROUP BY ", " HAVING ",
	" ORDER BY ", " LIMIT ", " OFFSET ", " SET ", " RETURNING "}

// breakClauses puts each top-level clause of a statement on a line of its own.
func breakClauses(sql string) string {
	var b strings.Builder
	depth := 0
	var quote byte
	for i := 0; i < len(sql); i++ {
		c := sql[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == ' ' && depth == 0:
			for _, kw := range clauses {
				if strings.HasPrefix(sql[i:], kw) {
					b.WriteString("\n  ")
					i++
					c = sql[i]
					break
				}
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

var columnRef = regexp.MustCompile(`"([^"]+)"\."[^"]+"`)

// Abbreviate replaces a run of four or more columns of one table in a
// list ("book"."id", "book"."title", ...) by "book".…: a model's full column
// list, which the docs need not repeat in every statement.
func Abbreviate(sql string) string {
	ms := columnRef.FindAllStringSubmatchIndex(sql, -1)
	var b strings.Builder
	last := 0
	for i := 0; i < len(ms); {
		alias := sql[ms[i][2]:ms[i][3]]
		j := i + 1
		for j < len(ms) && sql[ms[j-1][1]:ms[j][0]] == ", " && sql[ms[j][2]:ms[j][3]] == alias {
			j++
		}
		if j-i >= 4 {
			b.WriteString(sql[last:ms[i][0]])
			b.WriteString(`"` + alias + `".…`)
			last = ms[j-1][1]
		}
		i = j
	}
	b.WriteString(sql[last:])
	return b.String()
}

// Normalize makes two renderings of the same statements compare equal:
// column lists abbreviated, whitespace collapsed.
func Normalize(s string) string {
	return strings.Join(strings.Fields(Abbreviate(s)), " ")
}

// AfterFrom is what follows the FROM clause's table in a statement: the joins,
// WHERE and the rest ("WHERE "book"."title" = $1"), as a where table shows it.
func AfterFrom(sql string) string {
	depth := 0
	for i := 0; i < len(sql); i++ {
		switch sql[i] {
		case '(':
			depth++
		case ')':
			depth--
		case ' ':
			if depth == 0 && strings.HasPrefix(sql[i:], " FROM ") {
				rest := sql[i+len(" FROM "):]
				// the table: "name" or "name" AS "alias"
				if m := tableRef.FindStringIndex(rest); m != nil && m[0] == 0 {
					return strings.TrimSpace(rest[m[1]:])
				}
				return rest
			}
		}
	}
	return sql
}

var tableRef = regexp.MustCompile(`^"[^"]+"( AS "[^"]+")?`)
