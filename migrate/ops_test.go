package migrate_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/eagerorm/eager/internal/pgtest"
	"github.com/eagerorm/eager/migrate"
	"github.com/stretchr/testify/require"
)

// everyOperation uses each operation, its reverse depending on the state
// (drops restore what they dropped, alters restore the old definition).
var everyOperation = []migrate.Migration{
	{Name: "0001_tables", Operations: []migrate.Operation{
		migrate.CreateTable{Table: "user", Columns: []migrate.Column{
			{Name: "id", Type: "bigint", Identity: true},
			{Name: "email", Type: "text"},
			{Name: "age", Type: "integer", Null: true},
			{Name: "score", Type: "integer", Default: "0"},
		}, PrimaryKey: []string{"id"}},
		migrate.CreateTable{Table: "post", Columns: []migrate.Column{
			{Name: "id", Type: "bigint", Identity: true},
			{Name: "user_id", Type: "bigint"},
			{Name: "title", Type: "varchar(100)"},
			{Name: "body", Type: "text", Null: true},
		}, PrimaryKey: []string{"id"}},
		migrate.AddConstraint{Table: "user", Name: "user_email_key", Unique: []string{"email"}},
		migrate.AddConstraint{Table: "user", Name: "user_age_check", Check: "age >= 0"},
		migrate.AddConstraint{Table: "post", Name: "post_user_id_fkey", ForeignKey: []string{"user_id"}, References: "user", OnDelete: "CASCADE"},
		migrate.AddIndex{Table: "post", Name: "post_title_idx", Columns: []string{"title"}},
		migrate.AddIndex{Table: "post", Name: "post_body_partial_idx", Columns: []string{"body", "title"}, Where: "body IS NOT NULL"},
		migrate.RunSQL{Forward: "INSERT INTO \"user\" (email, age) VALUES ('a@x', 30); INSERT INTO post (user_id, title) SELECT id, 'hello' FROM \"user\"",
			Backward: "DELETE FROM post; DELETE FROM \"user\""},
	}},
	{Name: "0002_alter", Operations: []migrate.Operation{
		migrate.AlterColumn{Table: "user", Column: "score", Type: "bigint", SetDefault: "1"},
		migrate.AlterColumn{Table: "user", Column: "age", SetNotNull: true},
		migrate.AlterColumn{Table: "post", Column: "body", SetDefault: "''"},
		migrate.AlterColumn{Table: "post", Column: "title", Type: "text"},
		migrate.AlterColumn{Table: "user", Column: "id", DropIdentity: true},
	}},
	{Name: "0003_renames", Operations: []migrate.Operation{
		migrate.RenameTable{From: "post", To: "article"},
		migrate.RenameColumn{Table: "article", From: "title", To: "headline"},
		migrate.RenameColumn{Table: "user", From: "id", To: "user_id"},
	}},
	{Name: "0004_drops", Allow: []string{migrate.RuleDropColumn}, Operations: []migrate.Operation{
		migrate.DropIndex{Table: "article", Name: "post_title_idx"},
		migrate.DropConstraint{Table: "user", Name: "user_age_check"},
		migrate.DropColumn{Table: "article", Column: "body"}, // takes post_body_partial_idx with it
		migrate.DropColumn{Table: "user", Column: "email"},   // takes user_email_key with it
		migrate.AlterColumn{Table: "user", Column: "score", DropDefault: true, DropNotNull: true},
		migrate.AddColumn{Table: "user", Column: migrate.Column{Name: "seq", Type: "integer", Null: true}},
		migrate.RunSQL{Forward: `UPDATE "user" SET seq = 0`, Backward: migrate.Noop},
	}},
	{Name: "0005_more", Operations: []migrate.Operation{
		migrate.AlterColumn{Table: "user", Column: "seq", SetNotNull: true, SetDefault: "0"},
		migrate.AlterColumn{Table: "user", Column: "user_id", AddIdentity: true},
		migrate.AddIndex{Table: "article", Name: "article_headline_idx", Columns: []string{"headline"}, Concurrently: true},
	}},
	{Name: "0006_drop_tables", Allow: []string{migrate.RuleDropTable}, Operations: []migrate.Operation{
		migrate.DropConstraint{Table: "article", Name: "post_user_id_fkey"},
		// Reversing DropTable restores the table, not its rows: without this
		// the restored foreign key would find its users missing.
		migrate.RunSQL{Forward: "DELETE FROM article", Backward: migrate.Noop},
		migrate.DropTable{Table: "user"},
		migrate.DropIndex{Table: "article", Name: "article_headline_idx", Concurrently: true},
	}},
}

// TestEveryOperationReverses applies migrations using every operation, one
// at a time, and rolls them back one at a time: after each rollback the
// catalog is exactly what it was before the migration.
func TestEveryOperationReverses(t *testing.T) {
	t.Parallel()
	pg := pgtest.New(t)
	ctx := context.Background()
	set := newSet(t, everyOperation...)
	r := &migrate.Runner{DB: openDB(t, pg.DSN), Set: set}
	snapshots := [][]string{catalog(t, pg)}
	for _, name := range set.Names() {
		_, err := r.Migrate(ctx, name)
		require.NoError(t, err, name)
		snapshots = append(snapshots, catalog(t, pg))
		require.NotEqual(t, snapshots[len(snapshots)-2], snapshots[len(snapshots)-1], "%s changed nothing", name)
	}
	names := set.Names()
	for i := len(names) - 1; i >= 0; i-- {
		target := "zero"
		if i > 0 {
			target = names[i-1]
		}
		rolled, err := r.Rollback(ctx, target)
		require.NoError(t, err, "rolling back %s", names[i])
		require.Equal(t, []string{names[i]}, rolled)
		require.Equal(t, snapshots[i], catalog(t, pg), "after rolling back %s", names[i])
	}
	// Rows restored by RunSQL's Backward are gone, the table is back empty.
	_, err := r.Migrate(ctx, "0001")
	require.NoError(t, err)
	var n int
	require.NoError(t, pg.Pool.QueryRow(ctx, "SELECT count(*) FROM post").Scan(&n))
	require.Equal(t, 1, n)
}

func TestSQLOfOperations(t *testing.T) {
	stmts, err := migrate.SQL(
		migrate.CreateTable{Table: "order", Columns: []migrate.Column{
			{Name: "id", Type: "bigint", Identity: true}, {Name: "User", Type: "text"}, {Name: "select", Type: "text", Null: true},
		}, PrimaryKey: []string{"id"}},
		migrate.AlterColumn{Table: "order", Column: "User", Type: "varchar(10)", Using: `left("User", 10)`, SetDefault: "''", DropNotNull: true},
		migrate.AddIndex{Table: "order", Name: "order_select_idx", Columns: []string{"select"}, Using: "hash"},
	)
	require.NoError(t, err)
	require.Equal(t, []string{
		"CREATE TABLE \"order\" (\n    id bigint NOT NULL GENERATED BY DEFAULT AS IDENTITY,\n    \"User\" text NOT NULL,\n    \"select\" text,\n    CONSTRAINT order_pkey PRIMARY KEY (id)\n)",
		`ALTER TABLE "order" ALTER COLUMN "User" TYPE varchar(10) USING left("User", 10), ALTER COLUMN "User" SET DEFAULT '', ALTER COLUMN "User" DROP NOT NULL`,
		`CREATE INDEX order_select_idx ON "order" USING hash ("select")`,
	}, stmts)
}

// TestStateErrors: an operation that does not fit the state before it is
// an error when the migrations are loaded, naming the migration, the
// operation and what is wrong, long before any database sees it.
func TestStateErrors(t *testing.T) {
	base := migrate.Migration{Name: "0001_base", Operations: []migrate.Operation{
		migrate.CreateTable{Table: "a", Columns: []migrate.Column{{Name: "id", Type: "bigint"}, {Name: "x", Type: "text"}}, PrimaryKey: []string{"id"}},
		migrate.CreateTable{Table: "b", Columns: []migrate.Column{{Name: "id", Type: "bigint"}, {Name: "a_id", Type: "bigint"}}},
		migrate.AddConstraint{Table: "b", Name: "b_a_id_fkey", ForeignKey: []string{"a_id"}, References: "a"},
	}}
	for _, tc := range []struct {
		op   migrate.Operation
		want string
	}{
		{migrate.DropTable{Table: "a"}, "operation 1, DropTable a: table a is referenced by foreign key b_a_id_fkey on b: drop that constraint first"},
		{migrate.DropTable{Table: "nope"}, "no table nope (tables: [a b])"},
		{migrate.AddColumn{Table: "a", Column: migrate.Column{Name: "x", Type: "text"}}, "table a already has a column x"},
		{migrate.AddColumn{Table: "a", Column: migrate.Column{Name: "y"}}, "column y has no type"},
		{migrate.DropColumn{Table: "a", Column: "id"}, "column a.id is referenced by foreign key b_a_id_fkey on b"},
		{migrate.AlterColumn{Table: "a", Column: "x"}, "nothing to change"},
		{migrate.AlterColumn{Table: "a", Column: "x", SetNotNull: true, DropNotNull: true}, "both SetNotNull and DropNotNull"},
		{migrate.AlterColumn{Table: "a", Column: "id", DropNotNull: true}, "column id is in the primary key"},
		{migrate.AddIndex{Table: "a", Name: "a_pkey", Columns: []string{"x"}}, "constraint a_pkey on a already exists"},
		{migrate.AddIndex{Table: "a", Name: "a_q_idx", Columns: []string{"q"}}, "table a has no column q (columns: [id x])"},
		{migrate.AddConstraint{Table: "b", Name: "b_x_fkey", ForeignKey: []string{"a_id"}, References: "a", RefColumns: []string{"x"}}, "no primary key or unique constraint on a (x) to reference"},
		{migrate.AddConstraint{Table: "b", Name: "b_two", Unique: []string{"id"}, Check: "id > 0"}, "set exactly one of PrimaryKey, Unique, Check and ForeignKey"},
		{migrate.AddConstraint{Table: "b", Name: "b_fk", ForeignKey: []string{"a_id"}, References: "a", OnDelete: "EXPLODE"}, `OnDelete "EXPLODE"`},
		{migrate.DropConstraint{Table: "a", Name: "a_pkey"}, "constraint a_pkey is referenced by foreign key b_a_id_fkey on b"},
		{migrate.RenameTable{From: "a", To: "b"}, "table b already exists"},
		{migrate.DropIndex{Name: "nope_idx"}, "no index nope_idx"},
		{migrate.RunSQL{}, "RunSQL without Forward SQL"},
		{migrate.RunSQL{Forward: "x", State: []migrate.Operation{migrate.DropTable{Table: "zz"}}}, "RunSQL State[0] DropTable zz: no table zz"},
	} {
		_, err := migrate.NewSet([]migrate.Migration{base, {Name: "0002_bad", Operations: []migrate.Operation{tc.op}}})
		require.ErrorContains(t, err, tc.want, "%s", tc.op.Describe())
		require.ErrorContains(t, err, "migration 0002_bad: operation 1, ")
	}

	for _, tc := range []struct {
		ms   []migrate.Migration
		want string
	}{
		{[]migrate.Migration{{Name: "initial"}}, `migration name "initial": want <number>_<words>`},
		{[]migrate.Migration{base, {Name: "0001_other"}}, "migrations 0001_base and 0001_other have the same number"},
		{[]migrate.Migration{base, base}, "migration 0001_base is registered twice"},
	} {
		_, err := migrate.NewSet(tc.ms)
		require.ErrorContains(t, err, tc.want)
	}
}

type LongNames struct {
	ID     int64  `db:"id" orm:"pk"`
	Index  string `db:"a_really_quite_long_column_name_for_an_index_that_goes_on" orm:"index"`
	Unique string `db:"another_long_column_name_this_time_for_a_unique_one" orm:"unique"`
}

func (LongNames) TableName() string { return "a_table_name_that_is_rather_long_too" }

// TestLongNamesAreCutLikePostgreSQL: generated names longer than 63 bytes
// are shortened the way PostgreSQL shortens its own, so the state holds the
// name the catalog will, and a table made by hand with default names diffs
// clean.
func TestLongNamesAreCutLikePostgreSQL(t *testing.T) {
	t.Parallel()
	pg := pgtest.New(t)
	ctx := context.Background()
	_, err := pg.Pool.Exec(ctx, `CREATE TABLE a_table_name_that_is_rather_long_too (
		id bigint PRIMARY KEY,
		a_really_quite_long_column_name_for_an_index_that_goes_on text,
		another_long_column_name_this_time_for_a_unique_one text UNIQUE);
		CREATE INDEX ON a_table_name_that_is_rather_long_too (a_really_quite_long_column_name_for_an_index_that_goes_on)`)
	require.NoError(t, err)
	var want []string
	rows, err := pg.Pool.Query(ctx, "SELECT relname FROM pg_class WHERE relkind = 'i' AND relnamespace = current_schema()::regnamespace")
	require.NoError(t, err)
	for rows.Next() {
		var n string
		require.NoError(t, rows.Scan(&n))
		want = append(want, n)
	}
	require.NoError(t, rows.Err())

	st, err := migrate.FromModels(LongNames{})
	require.NoError(t, err)
	tab, ok := st.Table("a_table_name_that_is_rather_long_too")
	require.True(t, ok)
	var got []string
	for _, k := range tab.Constraints {
		got = append(got, k.Name)
	}
	for _, ix := range tab.Indexes {
		got = append(got, ix.Name)
	}
	require.ElementsMatch(t, want, got)
	for _, n := range got {
		require.LessOrEqual(t, len(n), 63)
	}
}

// TestRollbackDropColumnWithRows: reversing the drop of a NOT NULL column
// on a table with rows brings the column back as it was, refilled with a
// placeholder (the data itself is gone).
func TestRollbackDropColumnWithRows(t *testing.T) {
	t.Parallel()
	pg := pgtest.New(t)
	ctx := context.Background()
	set := newSet(t, createItem, migrate.Migration{Name: "0002_drop", Allow: []string{migrate.RuleDropColumn},
		Operations: []migrate.Operation{migrate.DropColumn{Table: "item", Column: "name"}}})
	r := &migrate.Runner{DB: openDB(t, pg.DSN), Set: set}
	_, err := r.Migrate(ctx, "")
	require.NoError(t, err)
	sc, err := set.Script("0002")
	require.NoError(t, err)
	require.Equal(t, []string{
		"ALTER TABLE item ADD COLUMN name text NOT NULL DEFAULT ''",
		"ALTER TABLE item ALTER COLUMN name DROP DEFAULT",
	}, sc.Backward)
	_, err = r.Rollback(ctx, "0001")
	require.NoError(t, err)
	requireCatalog(t, pg, itemSchema)
	var n int
	require.NoError(t, pg.Pool.QueryRow(ctx, "SELECT count(*) FROM item WHERE name = ''").Scan(&n))
	require.Equal(t, 2, n)
}

// TestSourceRoundTrip renders migrations using every operation as Go and
// reads the files back: what a generated file says is what was generated.
// (examples/migrations compiles generated files for real.)
func TestSourceRoundTrip(t *testing.T) {
	dir := t.TempDir()
	ms := append(append([]migrate.Migration(nil), everyOperation...), migrate.Migration{
		Name: "0007_runsql", Operations: []migrate.Operation{
			migrate.RunSQL{Forward: "CREATE TABLE x (id int)", Backward: "DROP TABLE x", NoTransaction: true,
				State: []migrate.Operation{migrate.CreateTable{Table: "x", Columns: []migrate.Column{{Name: "id", Type: "integer", Null: true}}}}},
		}})
	for _, m := range ms {
		src, err := migrate.Source("main", m, "a note\nover two lines")
		require.NoError(t, err)
		writeFile(t, filepath.Join(dir, m.Name+".go"), string(src))
	}
	require.Equal(t, ms, loadDir(t, dir))
}
