package sqlgen

import "strings"

// Quote is the module's one identifier quoting: D's. DDL, which is not
// finished by squirrel, uses it as it is (or writes a Bare name bare).
func Quote(name string) string { return D.QuoteIdent(name) }

// Ident is a quoted name for SQL text that squirrel finishes. Squirrel turns
// every ? in the text into a placeholder, quoted or not, and ?? into a
// literal ?; so a ? in a name is written ??.
func Ident(name string) string { return escape(D.QuoteIdent(name)) }

// Col is alias.column, both quoted, for squirrel text.
func Col(alias, column string) string {
	return escape(D.QuoteIdent(alias) + "." + D.QuoteIdent(column))
}

// Table is a FROM or JOIN item: the table, with "AS alias" when the alias
// is not the table's own name.
func Table(table, alias string) string {
	if table == alias {
		return Ident(table)
	}
	return Ident(table) + " AS " + Ident(alias)
}

// Idents quotes names for squirrel text.
func Idents(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = Ident(n)
	}
	return out
}

func escape(s string) string {
	if strings.IndexByte(s, '?') < 0 {
		return s
	}
	return strings.ReplaceAll(s, "?", "??")
}
