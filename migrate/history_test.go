package migrate_test

import (
	"context"
	"errors"
	"testing"

	"github.com/eagerorm/eager/internal/pgtest"
	"github.com/eagerorm/eager/migrate"
	"github.com/eagerorm/eager/orm"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"
)

var createItem = migrate.Migration{Name: "0001_item", Operations: []migrate.Operation{
	migrate.CreateTable{Table: "item", Columns: []migrate.Column{{Name: "id", Type: "bigint"}, {Name: "name", Type: "text"}}, PrimaryKey: []string{"id"}},
	migrate.RunSQL{Forward: "INSERT INTO item VALUES (1, 'a'), (2, 'b')", Backward: migrate.Noop},
}}

var itemSchema = []string{
	"column item.id bigint not null",
	"column item.name text not null",
	"constraint item.item_pkey PRIMARY KEY (id)",
}

func historyRow(t testing.TB, pg *pgtest.DB, name string) (status, checksum, errText string) {
	t.Helper()
	err := pg.Pool.QueryRow(context.Background(), "SELECT status, checksum, error FROM eager_migrations WHERE name = $1", name).
		Scan(&status, &checksum, &errText)
	require.NoError(t, err)
	return status, checksum, errText
}

// TestFailedMigration: a migration that fails is recorded as failed with
// its error, its transaction leaves the schema as it was (the column added
// before the failing statement is gone), status shows it, and once the file
// is fixed migrate applies it and the row becomes applied.
func TestFailedMigration(t *testing.T) {
	t.Parallel()
	pg := pgtest.New(t)
	ctx := context.Background()
	broken := migrate.Migration{Name: "0002_price", Operations: []migrate.Operation{
		migrate.AddColumn{Table: "item", Column: migrate.Column{Name: "price", Type: "integer", Null: true}},
		migrate.RunSQL{Forward: "UPDATE item SET price = 100 / (id - id)", Backward: migrate.Noop}, // division by zero
	}}
	r := &migrate.Runner{DB: openDB(t, pg.DSN), Set: newSet(t, createItem, broken)}
	applied, err := r.Migrate(ctx, "")
	require.Equal(t, []string{"0001_item"}, applied)
	var me *migrate.MigrationError
	require.ErrorAs(t, err, &me)
	require.Equal(t, "0002_price", me.Name)
	require.Equal(t, 2, me.Index)
	require.True(t, me.Transactional)
	var pgErr *pgconn.PgError
	require.ErrorAs(t, err, &pgErr, "the server's error stays reachable")
	require.Equal(t, "22012", pgErr.Code)
	require.Contains(t, err.Error(), "0002_price failed (rolled back, the schema is unchanged) at statement 2: UPDATE item")

	status, _, errText := historyRow(t, pg, "0002_price")
	require.Equal(t, "failed", status)
	require.Contains(t, errText, "division by zero")
	requireCatalog(t, pg, itemSchema) // no price column: the transaction rolled back

	code, out, _ := cli(t, []string{"status", "-dsn", pg.DSN}, migrate.Migrations(createItem, broken))
	require.Equal(t, 0, code)
	require.Contains(t, out, "[!] 0002_price  failed")
	require.Contains(t, out, "division by zero")

	fixed := migrate.Migration{Name: "0002_price", Operations: []migrate.Operation{
		migrate.AddColumn{Table: "item", Column: migrate.Column{Name: "price", Type: "integer", Null: true}},
		migrate.RunSQL{Forward: "UPDATE item SET price = 100", Backward: migrate.Noop},
	}}
	r.Set = newSet(t, createItem, fixed)
	applied, err = r.Migrate(ctx, "")
	require.NoError(t, err)
	require.Equal(t, []string{"0002_price"}, applied)
	status, checksum, errText := historyRow(t, pg, "0002_price")
	require.Equal(t, "applied", status)
	require.Empty(t, errText)
	sc, err := r.Set.Script("0002_price")
	require.NoError(t, err)
	require.Equal(t, sc.Checksum, checksum, "the fixed file's checksum is recorded")
	requireCatalog(t, pg, append(itemSchema, "column item.price integer"))
	var n int
	require.NoError(t, pg.Pool.QueryRow(ctx, "SELECT count(*) FROM item WHERE price = 100").Scan(&n))
	require.Equal(t, 2, n)
}

// TestFailedConcurrentIndexRuns: a concurrent unique index fails on
// duplicate values and leaves an INVALID index behind, outside any
// transaction. After the data is fixed, re-running the same migration works:
// its first statement drops the leftover.
func TestFailedConcurrentIndexRuns(t *testing.T) {
	t.Parallel()
	pg := pgtest.New(t)
	ctx := context.Background()
	idx := migrate.Migration{Name: "0002_item_name_key", Operations: []migrate.Operation{
		migrate.AddIndex{Table: "item", Name: "item_name_uniq", Columns: []string{"name"}, Unique: true, Concurrently: true},
	}}
	r := &migrate.Runner{DB: openDB(t, pg.DSN), Set: newSet(t, createItem, idx)}
	_, err := r.Migrate(ctx, "0001")
	require.NoError(t, err)
	_, err = pg.Pool.Exec(ctx, "UPDATE item SET name = 'same'")
	require.NoError(t, err)

	_, err = r.Migrate(ctx, "")
	var me *migrate.MigrationError
	require.ErrorAs(t, err, &me)
	require.False(t, me.Transactional)
	require.Contains(t, err.Error(), "ran outside a transaction")
	status, _, _ := historyRow(t, pg, "0002_item_name_key")
	require.Equal(t, "failed", status)
	requireCatalog(t, pg, append(itemSchema,
		"index item.item_name_uniq CREATE UNIQUE INDEX item_name_uniq ON item USING btree (name) INVALID"))

	_, err = pg.Pool.Exec(ctx, "UPDATE item SET name = 'n' || id")
	require.NoError(t, err)
	applied, err := r.Migrate(ctx, "")
	require.NoError(t, err)
	require.Equal(t, []string{"0002_item_name_key"}, applied)
	requireCatalog(t, pg, append(itemSchema,
		"index item.item_name_uniq CREATE UNIQUE INDEX item_name_uniq ON item USING btree (name)"))
}

// TestEditedAppliedMigration: changing a migration after it was applied is
// an error that names it, before anything runs; status marks it edited.
// Only the edited migration is named, although a later migration's reverse
// SQL (derived from the earlier ones) changes with it.
func TestEditedAppliedMigration(t *testing.T) {
	t.Parallel()
	pg := pgtest.New(t)
	ctx := context.Background()
	dropName := migrate.Migration{Name: "0002_drop_name", Allow: []string{migrate.RuleDropColumn},
		Operations: []migrate.Operation{migrate.DropColumn{Table: "item", Column: "name"}}}
	// A DB on a single connection: the runner holds the lock on it too.
	conn, err := pgx.Connect(ctx, pg.DSN)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close(context.Background()) })
	r := &migrate.Runner{DB: orm.New(conn), Set: newSet(t, createItem, dropName)}
	_, err = r.Migrate(ctx, "")
	require.NoError(t, err)

	edited := migrate.Migration{Name: "0001_item", Operations: []migrate.Operation{
		migrate.CreateTable{Table: "item", Columns: []migrate.Column{{Name: "id", Type: "bigint"}, {Name: "name", Type: "varchar(20)"}}, PrimaryKey: []string{"id"}},
		migrate.RunSQL{Forward: "INSERT INTO item VALUES (1, 'a'), (2, 'b')", Backward: migrate.Noop},
	}}
	third := migrate.Migration{Name: "0003_sku", Operations: []migrate.Operation{
		migrate.AddColumn{Table: "item", Column: migrate.Column{Name: "sku", Type: "text", Null: true}},
	}}
	r.Set = newSet(t, edited, dropName, third)
	_, err = r.Migrate(ctx, "")
	var ee *migrate.EditedError
	require.ErrorAs(t, err, &ee)
	require.Len(t, ee.Edited, 1)
	require.Equal(t, "0001_item", ee.Edited[0].Name)
	require.Contains(t, err.Error(), "migration 0001_item was edited after it was applied")
	requireHistory(t, pg, map[string]string{"0001_item": "applied", "0002_drop_name": "applied"}) // 0003 did not run

	code, out, _ := cli(t, []string{"status", "-dsn", pg.DSN}, migrate.Migrations(edited, dropName, third))
	require.Equal(t, 0, code)
	require.Contains(t, out, "[E] 0001_item       edited")
	require.Contains(t, out, "[X] 0002_drop_name  applied")
	require.Contains(t, out, "[ ] 0003_sku        pending")

	_, err = r.Rollback(ctx, "zero")
	require.ErrorAs(t, err, &ee, "rollback refuses too: its SQL would come from the edited file")

	// Reformatting or reordering Go code changes nothing: the checksum is of the SQL.
	same := migrate.Migration{Operations: createItem.Operations, Name: "0001_item"}
	r.Set = newSet(t, same, dropName, third)
	applied, err := r.Migrate(ctx, "")
	require.NoError(t, err)
	require.Equal(t, []string{"0003_sku"}, applied)
}

// TestRollbackRefusesIrreversible checks every migration to roll back before
// running any: an irreversible one stops the rollback with nothing undone.
func TestRollbackRefusesIrreversible(t *testing.T) {
	t.Parallel()
	pg := pgtest.New(t)
	ctx := context.Background()
	backfill := migrate.Migration{Name: "0002_backfill", Operations: []migrate.Operation{
		migrate.RunSQL{Forward: "UPDATE item SET name = upper(name)"},
	}}
	third := migrate.Migration{Name: "0003_sku", Operations: []migrate.Operation{
		migrate.AddColumn{Table: "item", Column: migrate.Column{Name: "sku", Type: "text", Null: true}},
	}}
	r := &migrate.Runner{DB: openDB(t, pg.DSN), Set: newSet(t, createItem, backfill, third)}
	_, err := r.Migrate(ctx, "")
	require.NoError(t, err)
	_, err = r.Rollback(ctx, "0001")
	require.Error(t, err)
	require.Contains(t, err.Error(), "cannot roll back 0002_backfill")
	require.Contains(t, err.Error(), "no Backward")
	requireHistory(t, pg, map[string]string{"0001_item": "applied", "0002_backfill": "applied", "0003_sku": "applied"})
	requireCatalog(t, pg, append(itemSchema, "column item.sku text"))

	rolled, err := r.Rollback(ctx, "0002")
	require.NoError(t, err)
	require.Equal(t, []string{"0003_sku"}, rolled)
}

// TestFakeAndStatus: --fake records without running, rollback --fake forgets
// without running, and status tells applied from pending and from rows this
// program does not know.
func TestFakeAndStatus(t *testing.T) {
	t.Parallel()
	pg := pgtest.New(t)
	ctx := context.Background()
	ms := []migrate.Migration{createItem, {Name: "0002_sku", Operations: []migrate.Operation{
		migrate.AddColumn{Table: "item", Column: migrate.Column{Name: "sku", Type: "text", Null: true}},
	}}}
	opt := migrate.Migrations(ms...)
	code, out, _ := cli(t, []string{"status", "-dsn", pg.DSN}, opt)
	require.Equal(t, 0, code)
	require.Contains(t, out, "[ ] 0001_item  pending")
	require.Contains(t, out, "2 pending")

	code, _, _ = cli(t, []string{"migrate", "--check", "-dsn", pg.DSN}, opt)
	require.Equal(t, 1, code, "migrate --check with pending migrations")

	code, out, _ = cli(t, []string{"migrate", "0001", "--fake", "-dsn", pg.DSN}, opt)
	require.Equal(t, 0, code)
	require.Contains(t, out, "Faking 0001_item... OK")
	requireCatalog(t, pg, nil) // nothing ran
	requireHistory(t, pg, map[string]string{"0001_item": "applied"})

	_, err := pg.Pool.Exec(ctx, "CREATE TABLE item (id bigint PRIMARY KEY, name text NOT NULL)")
	require.NoError(t, err)
	code, out, _ = cli(t, []string{"migrate", "--dry-run", "-dsn", pg.DSN}, opt)
	require.Equal(t, 0, code)
	require.Contains(t, out, "-- 0002_sku\nBEGIN;\nALTER TABLE item ADD COLUMN sku text;\nCOMMIT;\n")
	requireHistory(t, pg, map[string]string{"0001_item": "applied"})

	code, _, _ = cli(t, []string{"migrate", "-dsn", pg.DSN}, opt)
	require.Equal(t, 0, code)
	code, _, _ = cli(t, []string{"migrate", "--check", "-dsn", pg.DSN}, opt)
	require.Equal(t, 0, code, "migrate --check with nothing pending")

	_, err = pg.Pool.Exec(ctx, "INSERT INTO eager_migrations (name, checksum, status, duration) VALUES ('0009_future', 'x', 'applied', '1s')")
	require.NoError(t, err)
	code, out, _ = cli(t, []string{"status", "-dsn", pg.DSN}, opt)
	require.Equal(t, 0, code)
	require.Contains(t, out, "[X] 0001_item    applied")
	require.Contains(t, out, "[X] 0002_sku     applied")
	require.Contains(t, out, "[?] 0009_future  unknown")

	code, _, _ = cli(t, []string{"rollback", "0001_item", "--fake", "-dsn", pg.DSN}, opt)
	require.Equal(t, 1, code, "0009_future is applied and this program cannot roll it back")
	_, err = pg.Pool.Exec(ctx, "DELETE FROM eager_migrations WHERE name = '0009_future'")
	require.NoError(t, err)
	code, out, _ = cli(t, []string{"rollback", "0001_item", "--fake", "-dsn", pg.DSN}, opt)
	require.Equal(t, 0, code)
	require.Contains(t, out, "Faking the rollback of 0002_sku... OK")
	requireHistory(t, pg, map[string]string{"0001_item": "applied"})
	requireCatalog(t, pg, append(itemSchema, "column item.sku text")) // nothing ran
}

// TestEnumValueAddedThenUsed: ALTER TYPE ... ADD VALUE followed by a
// statement using the value fails inside one transaction ("unsafe use of new
// value"); the runner sees the ADD VALUE and runs the migration outside one.
func TestEnumValueAddedThenUsed(t *testing.T) {
	t.Parallel()
	pg := pgtest.New(t)
	ctx := context.Background()
	ms := []migrate.Migration{
		{Name: "0001_mood", Operations: []migrate.Operation{
			migrate.RunSQL{Forward: "CREATE TYPE mood AS ENUM ('sad', 'ok')", Backward: "DROP TYPE mood"},
			migrate.CreateTable{Table: "person", Columns: []migrate.Column{{Name: "id", Type: "bigint"}, {Name: "mood", Type: "mood"}}},
		}},
		{Name: "0002_happy", Operations: []migrate.Operation{
			migrate.RunSQL{Forward: "ALTER TYPE mood ADD VALUE IF NOT EXISTS 'happy'; INSERT INTO person VALUES (1, 'happy')",
				Backward: "DELETE FROM person WHERE mood = 'happy'"},
		}},
	}
	set := newSet(t, ms...)
	sc, err := set.Script("0002")
	require.NoError(t, err)
	require.Contains(t, sc.NoTransaction, "ADD VALUE")
	require.Equal(t, []string{"ALTER TYPE mood ADD VALUE IF NOT EXISTS 'happy'", "INSERT INTO person VALUES (1, 'happy')"}, sc.Forward)

	r := &migrate.Runner{DB: openDB(t, pg.DSN), Set: set}
	_, err = r.Migrate(ctx, "")
	require.NoError(t, err)
	var mood string
	require.NoError(t, pg.Pool.QueryRow(ctx, "SELECT mood::text FROM person WHERE id = 1").Scan(&mood))
	require.Equal(t, "happy", mood)

	// The same statements in one transaction are what PostgreSQL refuses.
	_, err = pg.Pool.Exec(ctx, "DROP TABLE person; DROP TYPE mood")
	require.NoError(t, err)
	tx, err := pg.Pool.Begin(ctx)
	require.NoError(t, err)
	defer tx.Rollback(ctx)
	_, err = tx.Exec(ctx, "CREATE TYPE mood AS ENUM ('sad')")
	require.NoError(t, err)
	_, err = tx.Exec(ctx, "CREATE TABLE person (id bigint, mood mood)")
	require.NoError(t, err)
	_, err = tx.Exec(ctx, "ALTER TYPE mood ADD VALUE 'happy'")
	require.NoError(t, err)
	_, err = tx.Exec(ctx, "INSERT INTO person VALUES (1, 'happy')")
	var pgErr *pgconn.PgError
	require.True(t, errors.As(err, &pgErr), "%v", err)
	require.Equal(t, "55P04", pgErr.Code) // unsafe_new_enum_value_usage
}
