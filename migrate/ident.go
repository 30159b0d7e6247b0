package migrate

import (
	"strings"
	"unicode/utf8"

	"github.com/eagerorm/eager/internal/sqlgen"
)

// maxIdentLen is PostgreSQL's NAMEDATALEN-1: longer identifiers are silently
// truncated by the server, so names we generate are cut to fit the same way
// PostgreSQL cuts its own (makeObjectName), and what the state records is
// what the catalog will hold.
const maxIdentLen = 63

// quoteIdent quotes an identifier only when PostgreSQL needs it, as the
// server's quote_ident() does: the SQL a reviewer reads stays plain
// (CREATE TABLE customer, not CREATE TABLE "customer"), and a table named
// order or user is still quoted. The quoting itself is the module's one
// (sqlgen.Quote).
func quoteIdent(name string) string {
	if sqlgen.D.Bare(name) {
		return name
	}
	return sqlgen.Quote(name)
}

func quoteIdents(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = quoteIdent(n)
	}
	return strings.Join(q, ", ")
}

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
