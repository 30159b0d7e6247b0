package migrate_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/eagerorm/eager/internal/pgtest"
	"github.com/stretchr/testify/require"
)

// catalog describes the test schema as PostgreSQL's catalog has it, one
// sorted line per column, constraint and index, leaving out the history
// table: the schema the migrations made, read back independently of the
// code that made it.
func catalog(t testing.TB, db *pgtest.DB) []string {
	t.Helper()
	ctx := context.Background()
	var lines []string
	query := func(sql string, scan func(row []any) string, dest ...any) {
		rows, err := db.Pool.Query(ctx, sql)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := rows.Scan(dest...); err != nil {
				t.Fatal(err)
			}
			lines = append(lines, scan(dest))
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	var table, name, typ, def, identity, valid string
	var notNull bool
	query(`SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
			coalesce(pg_get_expr(d.adbin, d.adrelid), ''), a.attidentity::text
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
		LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
		WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname <> 'eager_migrations'`,
		func([]any) string {
			s := fmt.Sprintf("column %s.%s %s", table, name, typ)
			if notNull {
				s += " not null"
			}
			if def != "" {
				s += " default " + def
			}
			if identity == "d" {
				s += " identity"
			}
			return s
		}, &table, &name, &typ, &notNull, &def, &identity)
	query(`SELECT cl.relname, co.conname, pg_get_constraintdef(co.oid)
		FROM pg_constraint co JOIN pg_class cl ON cl.oid = co.conrelid JOIN pg_namespace n ON n.oid = cl.relnamespace
		WHERE n.nspname = current_schema() AND cl.relname <> 'eager_migrations'`,
		func([]any) string { return fmt.Sprintf("constraint %s.%s %s", table, name, def) }, &table, &name, &def)
	query(`SELECT t.relname, i.relname, pg_get_indexdef(i.oid), CASE WHEN x.indisvalid THEN '' ELSE ' INVALID' END
		FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
		JOIN pg_namespace n ON n.oid = t.relnamespace
		WHERE n.nspname = current_schema() AND t.relname <> 'eager_migrations'
		  AND NOT EXISTS (SELECT 1 FROM pg_constraint co WHERE co.conindid = i.oid AND co.conrelid = t.oid)`,
		func([]any) string {
			return fmt.Sprintf("index %s.%s %s%s", table, name, strings.ReplaceAll(def, db.Schema+".", ""), valid)
		}, &table, &name, &def, &valid)
	sort.Strings(lines)
	return lines
}

func requireCatalog(t testing.TB, db *pgtest.DB, want []string) {
	t.Helper()
	want = append([]string(nil), want...)
	sort.Strings(want)
	require.Equal(t, want, catalog(t, db), "the schema in the catalog")
}
