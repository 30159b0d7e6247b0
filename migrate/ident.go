package migrate

import (
	"strings"
	"unicode/utf8"
)

// maxIdentLen is PostgreSQL's NAMEDATALEN-1: longer identifiers are silently
// truncated by the server, so names we generate are cut to fit the same way
// PostgreSQL cuts its own (makeObjectName), and what the state records is
// what the catalog will hold.
const maxIdentLen = 63

// quoteIdent quotes an identifier only when PostgreSQL needs it, as the
// server's quote_ident() does: the SQL a reviewer reads stays plain
// (CREATE TABLE customer, not CREATE TABLE "customer"), and a table named
// order or user is still quoted.
func quoteIdent(name string) string {
	if name == "" || !needsNoQuote(name) {
		return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
	}
	return name
}

func needsNoQuote(name string) bool {
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c == '_':
		case (c >= '0' && c <= '9') || c == '$':
			if i == 0 {
				return false
			}
		default:
			return false
		}
	}
	return !reservedWords[name]
}

func quoteIdents(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = quoteIdent(n)
	}
	return strings.Join(q, ", ")
}

// reservedWords are PostgreSQL 15's keywords that are not UNRESERVED
// (pg_get_keywords() with catcode <> 'U'): quote_ident quotes exactly these.
var reservedWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`all analyse analyze and any array as asc asymmetric authorization between
		bigint binary bit boolean both case cast char character check coalesce collate collation column
		concurrently constraint create cross current_catalog current_date current_role current_schema
		current_time current_timestamp current_user dec decimal default deferrable desc distinct do else end
		except exists extract false fetch float for foreign freeze from full grant greatest group grouping
		having ilike in initially inner inout int integer intersect interval into is isnull join lateral
		leading least left like limit localtime localtimestamp national natural nchar none normalize not
		notnull null nullif numeric offset on only or order out outer overlaps overlay placing position
		precision primary real references returning right row select session_user setof similar smallint
		some substring symmetric table tablesample then time timestamp to trailing treat trim true union
		unique user using values varchar variadic verbose when where window with xmlattributes xmlconcat
		xmlelement xmlexists xmlforest xmlnamespaces xmlparse xmlpi xmlroot xmlserialize xmltable`) {
		m[w] = true
	}
	return m
}()

// objectName builds the name PostgreSQL itself would choose for a constraint
// or index (makeObjectName in src/backend/commands/indexcmds.c):
// table_column_label, shortening the longer of table and column until the
// whole fits in 63 bytes. Using the server's own convention means a schema
// created by hand with default names diffs clean against the models.
func objectName(table, column, label string) string {
	overhead := len(label) + 1
	if column != "" {
		overhead++
	}
	avail := maxIdentLen - overhead
	n1, n2 := len(table), len(column)
	for n1+n2 > avail {
		if n1 > n2 {
			n1--
		} else {
			n2--
		}
	}
	name := clip(table, n1)
	if column != "" {
		name += "_" + clip(column, n2)
	}
	return name + "_" + label
}

// clip cuts s to at most n bytes without splitting a UTF-8 sequence, as
// pg_mbcliplen does.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Deterministic names, matching PostgreSQL's defaults: what CREATE TABLE
// (id ... PRIMARY KEY, email ... UNIQUE, customer_id ... REFERENCES customer)
// and CREATE INDEX ON t (c) would pick.
func pkeyName(table string) string { return objectName(table, "", "pkey") }

func uniqueName(table, column string) string { return objectName(table, column, "key") }

func fkeyName(table, column string) string { return objectName(table, column, "fkey") }

func indexName(table, column string) string { return objectName(table, column, "idx") }
