package migrate_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/eagerorm/eager/migrate"
	"github.com/stretchr/testify/require"
)

var lintBase = migrate.Migration{Name: "0001_base", Operations: []migrate.Operation{
	migrate.CreateTable{Table: "item", Columns: []migrate.Column{
		{Name: "id", Type: "bigint", Identity: true},
		{Name: "name", Type: "text"},
		{Name: "qty", Type: "integer"},
		{Name: "price", Type: "numeric(10,2)"},
		{Name: "code", Type: "varchar(20)"},
		{Name: "note", Type: "text", Null: true},
	}, PrimaryKey: []string{"id"}},
	migrate.CreateTable{Table: "legacy", Columns: []migrate.Column{{Name: "id", Type: "bigint"}}},
}}

// lint returns the findings of the second migration, ops applied after
// lintBase, and the same ops with every finding's rule allowed.
func lint(t *testing.T, ops ...migrate.Operation) []migrate.Warning {
	t.Helper()
	ws := newSet(t, lintBase, migrate.Migration{Name: "0002_change", Operations: ops}).Lint()
	for _, w := range ws {
		require.Equal(t, "0002_change", w.Migration, "the base migration only creates tables")
		require.False(t, w.Allowed)
	}
	return ws
}

func rules(ws []migrate.Warning) []string {
	var out []string
	for _, w := range ws {
		out = append(out, w.Rule)
	}
	return out
}

func TestLintDropTable(t *testing.T) {
	ws := lint(t, migrate.DropTable{Table: "legacy"})
	require.Equal(t, []string{migrate.RuleDropTable}, rules(ws))
	require.Equal(t, "DropTable legacy", ws[0].Operation)
	require.Contains(t, ws[0].Reason, "deletes the table and all its rows")

	// A table created and dropped in one migration holds no data yet.
	require.Empty(t, lint(t,
		migrate.CreateTable{Table: "tmp", Columns: []migrate.Column{{Name: "id", Type: "bigint"}}},
		migrate.DropTable{Table: "tmp"}))
}

func TestLintDropColumn(t *testing.T) {
	ws := lint(t, migrate.DropColumn{Table: "item", Column: "note"})
	require.Equal(t, []string{migrate.RuleDropColumn}, rules(ws))
	require.Equal(t, "DropColumn item.note", ws[0].Operation)
	require.Contains(t, ws[0].Reason, "deletes the column's data")

	// A drop and an add of the same type on one table may be a rename: the
	// warning says how to write it as one.
	ws = lint(t,
		migrate.DropColumn{Table: "item", Column: "note"},
		migrate.AddColumn{Table: "item", Column: migrate.Column{Name: "remark", Type: "text", Null: true}})
	require.Equal(t, []string{migrate.RuleDropColumn}, rules(ws))
	require.Contains(t, ws[0].Reason, `migrate.RenameColumn{Table: "item", From: "note", To: "remark"}`)

	// A rename is no drop.
	require.Empty(t, lint(t, migrate.RenameColumn{Table: "item", From: "note", To: "remark"}))
}

func TestLintNotNullWithoutDefault(t *testing.T) {
	ws := lint(t, migrate.AddColumn{Table: "item", Column: migrate.Column{Name: "sku", Type: "text"}})
	require.Equal(t, []string{migrate.RuleNotNullWithoutDefault}, rules(ws))
	require.Equal(t, "AddColumn item.sku", ws[0].Operation)
	require.Contains(t, ws[0].Reason, "fails once item has a row")

	ws = lint(t, migrate.AlterColumn{Table: "item", Column: "note", SetNotNull: true})
	require.Equal(t, []string{migrate.RuleNotNullWithoutDefault}, rules(ws))
	require.Contains(t, ws[0].Reason, "SET NOT NULL fails if any row holds NULL")

	require.Empty(t, lint(t,
		migrate.AddColumn{Table: "item", Column: migrate.Column{Name: "a", Type: "text", Default: "''"}},
		migrate.AddColumn{Table: "item", Column: migrate.Column{Name: "b", Type: "text", Null: true}},
		migrate.AddColumn{Table: "item", Column: migrate.Column{Name: "c", Type: "bigint", Identity: true}},
		migrate.CreateTable{Table: "fresh", Columns: []migrate.Column{{Name: "id", Type: "bigint"}}},
		migrate.AddColumn{Table: "fresh", Column: migrate.Column{Name: "d", Type: "text"}},
	), "a default, NULL, identity, or a table created in the same migration")
}

func TestLintIndexNotConcurrent(t *testing.T) {
	ws := lint(t, migrate.AddIndex{Table: "item", Name: "item_name_idx", Columns: []string{"name"}})
	require.Equal(t, []string{migrate.RuleIndexNotConcurrent}, rules(ws))
	require.Equal(t, "AddIndex item_name_idx on item (name)", ws[0].Operation)
	require.Contains(t, ws[0].Reason, "blocks writes to item")
	require.Contains(t, ws[0].Reason, "Concurrently: true")

	ws = lint(t, migrate.AddConstraint{Table: "item", Name: "item_code_key", Unique: []string{"code"}})
	require.Equal(t, []string{migrate.RuleIndexNotConcurrent}, rules(ws))

	require.Empty(t, lint(t,
		migrate.AddIndex{Table: "item", Name: "item_name_idx", Columns: []string{"name"}, Concurrently: true},
		migrate.CreateTable{Table: "fresh", Columns: []migrate.Column{{Name: "id", Type: "bigint"}}},
		migrate.AddIndex{Table: "fresh", Name: "fresh_id_idx", Columns: []string{"id"}},
		migrate.AddConstraint{Table: "fresh", Name: "fresh_id_key", Unique: []string{"id"}},
	))
}

func TestLintNarrowingType(t *testing.T) {
	for _, tc := range []struct {
		column, to string
		narrowing  bool
	}{
		{"id", "integer", true},
		{"qty", "smallint", true},
		{"qty", "bigint", false},
		{"qty", "int8", false},
		{"qty", "numeric(12,0)", false},
		{"qty", "numeric(9,0)", true},
		{"qty", "text", true},
		{"price", "numeric(12,2)", false},
		{"price", "numeric(8,2)", true},
		{"price", "numeric(10,1)", true},
		{"price", "numeric", false},
		{"price", "integer", true},
		{"code", "varchar(40)", false},
		{"code", "character varying(10)", true},
		{"code", "text", false},
		{"name", "varchar(5)", true},
		{"name", "integer", true},
	} {
		ws := lint(t, migrate.AlterColumn{Table: "item", Column: tc.column, Type: tc.to})
		if !tc.narrowing {
			require.Empty(t, ws, "%s to %s", tc.column, tc.to)
			continue
		}
		require.Equal(t, []string{migrate.RuleNarrowingType}, rules(ws), "%s to %s", tc.column, tc.to)
		require.Contains(t, ws[0].Reason, "cannot hold every existing value")
	}
}

// TestLintAllow: a migration's Allow accepts its findings (still reported,
// marked allowed); an unknown rule name is an error, not a silent no-op.
func TestLintAllow(t *testing.T) {
	m := migrate.Migration{Name: "0002_drop", Operations: []migrate.Operation{
		migrate.DropColumn{Table: "item", Column: "note"}, migrate.DropTable{Table: "legacy"},
	}}
	m.Allow = []string{migrate.RuleDropColumn}
	ws := newSet(t, lintBase, m).Lint()
	require.Len(t, ws, 2)
	require.True(t, ws[0].Allowed)
	require.False(t, ws[1].Allowed, "drop-table is not allowed")

	m.Allow = []string{"drop-colunm"}
	_, err := migrate.NewSet([]migrate.Migration{lintBase, m})
	require.ErrorContains(t, err, `unknown lint rule "drop-colunm"`)
}

// TestCheckFailsOnLint: makemigrations --check fails on a finding the
// migration does not allow, and passes once it does.
func TestCheckFailsOnLint(t *testing.T) {
	type Item struct {
		ID int64 `db:"id" orm:"pk"`
	}
	base := migrate.Migration{Name: "0001_item", Operations: []migrate.Operation{
		migrate.CreateTable{Table: "item", Columns: []migrate.Column{{Name: "id", Type: "bigint", Identity: true}, {Name: "note", Type: "text"}}, PrimaryKey: []string{"id"}},
	}}
	drop := migrate.Migration{Name: "0002_remove_item_note", Operations: []migrate.Operation{migrate.DropColumn{Table: "item", Column: "note"}}}
	code, out, _ := cli(t, []string{"makemigrations", "--check"}, migrate.Models(Item{}), migrate.Migrations(base, drop))
	require.Equal(t, 1, code)
	require.Contains(t, out, "0002_remove_item_note: operation 1, DropColumn item.note: [drop-column]")
	require.Contains(t, out, `Allow: []string{"drop-column"}`)

	drop.Allow = []string{migrate.RuleDropColumn}
	code, _, _ = cli(t, []string{"makemigrations", "--check"}, migrate.Models(Item{}), migrate.Migrations(base, drop))
	require.Equal(t, 0, code)
}

// TestMakeMigrationsShowsLint: the generated file carries the findings and
// the Allow line to accept them, commented out; makemigrations prints them.
func TestMakeMigrationsShowsLint(t *testing.T) {
	type Item struct {
		ID   int64  `db:"id" orm:"pk"`
		Name string `db:"name"`
	}
	dir := t.TempDir()
	base := migrate.Migration{Name: "0001_item", Operations: []migrate.Operation{
		migrate.CreateTable{Table: "item", Columns: []migrate.Column{{Name: "id", Type: "bigint", Identity: true}, {Name: "note", Type: "text"}}, PrimaryKey: []string{"id"}},
	}}
	writeFile(t, filepath.Join(dir, "0001_item.go"), "package main\n")
	code, out, _ := cli(t, []string{"makemigrations"}, migrate.Dir(dir), migrate.Models(Item{}), migrate.Migrations(base))
	require.Equal(t, 0, code)
	require.Contains(t, out, "warning: operation 1, DropColumn item.note: [drop-column]")
	require.Contains(t, out, "warning: operation 2, AddColumn item.name: [not-null-without-default]")
	require.Contains(t, out, "if note was renamed to name, replace", "the rename hint")
	src, err := os.ReadFile(filepath.Join(dir, "0002_remove_item_note_item_name.go"))
	require.NoError(t, err)
	require.Contains(t, string(src), `//   Allow: []string{"drop-column", "not-null-without-default"},`)
	m := loadFile(t, filepath.Join(dir, "0002_remove_item_note_item_name.go"))
	require.Empty(t, m.Allow, "allowing is for a person to decide")
	require.Equal(t, []string{"DropColumn item.note", "AddColumn item.name"}, describeAll(m))
}
