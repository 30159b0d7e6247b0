package migrate_test

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/eagerorm/eager/internal/pgtest"
	"github.com/eagerorm/eager/migrate"
	"github.com/stretchr/testify/require"
)

// The schema models v1 declare, as the catalog must show it: every column
// with its type, nullability, default and identity; primary keys, unique
// and foreign key constraints with their ON DELETE; the index orm:"index"
// asks for and the through table's index on its second key. Nothing else.
var schemaV1 = []string{
	"column customer.id bigint not null identity",
	"column customer.name text not null",
	"column customer.email text not null",
	"column customer.created_at timestamp with time zone not null default now()",
	"constraint customer.customer_pkey PRIMARY KEY (id)",
	"constraint customer.customer_email_key UNIQUE (email)",

	`column order.id bigint not null identity`,
	`column order.status text not null default 'new'::text`,
	`column order.total numeric(10,2) not null`,
	`column order.note text`,
	`column order.customer_id bigint not null`,
	`constraint order.order_pkey PRIMARY KEY (id)`,
	`constraint order.order_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customer(id) ON DELETE CASCADE`,
	`index order.order_status_idx CREATE INDEX order_status_idx ON "order" USING btree (status)`,

	"column tag.id integer not null identity",
	"column tag.name text not null",
	"constraint tag.tag_pkey PRIMARY KEY (id)",
	"constraint tag.tag_name_key UNIQUE (name)",

	"column order_tags.order_id bigint not null",
	"column order_tags.tag_id integer not null",
	"constraint order_tags.order_tags_pkey PRIMARY KEY (order_id, tag_id)",
	`constraint order_tags.order_tags_order_id_fkey FOREIGN KEY (order_id) REFERENCES "order"(id) ON DELETE CASCADE`,
	"constraint order_tags.order_tags_tag_id_fkey FOREIGN KEY (tag_id) REFERENCES tag(id) ON DELETE CASCADE",
	"index order_tags.order_tags_tag_id_idx CREATE INDEX order_tags_tag_id_idx ON order_tags USING btree (tag_id)",
}

// schemaV2 is v1 with what models v2 change.
var schemaV2 = func() []string {
	s := []string{
		"column customer.phone text",
		"column coupon.id bigint not null identity",
		"column coupon.code text not null",
		"column coupon.percent smallint not null default 10",
		"column coupon.customer_id bigint",
		"constraint coupon.coupon_pkey PRIMARY KEY (id)",
		"constraint coupon.coupon_code_key UNIQUE (code)",
		"constraint coupon.coupon_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customer(id) ON DELETE SET NULL",
		`index order.order_total_idx CREATE INDEX order_total_idx ON "order" USING btree (total)`,
	}
	for _, line := range schemaV1 {
		if line == `column order.status text not null default 'new'::text` {
			line = `column order.status text not null default 'open'::text`
		}
		s = append(s, line)
	}
	return s
}()

// TestGenerateApplyChangeRollback is the whole life of a schema on a real
// server: generate from models, apply, find exactly the declared schema in
// the catalog; change the models, generate only the difference (--check
// fails before and passes after), apply it; roll back to the first
// migration and find the first schema again; roll back everything.
func TestGenerateApplyChangeRollback(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "main.go"), "package main\n")
	pg := pgtest.New(t)
	code, out, _ := cli(t, []string{"makemigrations"}, migrate.Dir(dir), migrate.Models(shopV1...), migrate.Migrations())
	require.Equal(t, 0, code)
	require.Contains(t, out, "0001_initial.go")
	ms := loadDir(t, dir)
	require.Len(t, ms, 1)
	require.Equal(t, "0001_initial", ms[0].Name)

	// The file holds exactly what the generator meant.
	gens, err := migrate.MakeMigrations(newSet(t), shopV1, migrate.MakeOptions{})
	require.NoError(t, err)
	require.True(t, reflect.DeepEqual(gens[0].Migration, ms[0]), "file and generator disagree:\n%#v\n%#v", gens[0].Migration, ms[0])

	code, _, _ = cli(t, []string{"makemigrations", "--check"}, migrate.Models(shopV1...), migrate.Migrations(ms...))
	require.Equal(t, 0, code, "--check right after makemigrations")

	code, out, _ = cli(t, []string{"migrate", "-dsn", pg.DSN}, migrate.Migrations(ms...), migrate.Models(shopV1...))
	require.Equal(t, 0, code)
	require.Contains(t, out, "Applying 0001_initial... OK")
	requireCatalog(t, pg, schemaV1)

	// The models change: --check sees it, makemigrations writes only the
	// difference, and --check is satisfied again.
	code, out, _ = cli(t, []string{"makemigrations", "--check"}, migrate.Models(shopV2...), migrate.Migrations(ms...))
	require.Equal(t, 1, code, "--check with unmigrated model changes")
	require.Contains(t, out, "AddColumn customer.phone")

	code, _, _ = cli(t, []string{"makemigrations"}, migrate.Dir(dir), migrate.Models(shopV2...), migrate.Migrations(ms...))
	require.Equal(t, 0, code)
	ms = loadDir(t, dir)
	require.Len(t, ms, 3)
	require.Equal(t, []string{
		"AlterColumn order.status (default 'open')",
		"CreateTable coupon",
		"AddColumn customer.phone",
		"AddConstraint coupon_code_key on coupon UNIQUE (code)",
		"AddConstraint coupon_customer_id_fkey on coupon FOREIGN KEY (customer_id) -> customer",
	}, describeAll(ms[1]))
	require.Equal(t, []string{"AddIndex order_total_idx on order (total) concurrently"}, describeAll(ms[2]),
		"an index on an existing table is built concurrently, in a migration of its own")

	code, _, _ = cli(t, []string{"makemigrations", "--check"}, migrate.Models(shopV2...), migrate.Migrations(ms...))
	require.Equal(t, 0, code, "--check once the migration exists")

	code, out, _ = cli(t, []string{"migrate", "-dsn", pg.DSN}, migrate.Migrations(ms...))
	require.Equal(t, 0, code)
	require.NotContains(t, out, "0001_initial")
	requireCatalog(t, pg, schemaV2)
	requireHistory(t, pg, map[string]string{ms[0].Name: "applied", ms[1].Name: "applied", ms[2].Name: "applied"})

	code, _, _ = cli(t, []string{"rollback", "0001_initial", "-dsn", pg.DSN}, migrate.Migrations(ms...))
	require.Equal(t, 0, code)
	requireCatalog(t, pg, schemaV1)
	requireHistory(t, pg, map[string]string{ms[0].Name: "applied"})

	code, _, _ = cli(t, []string{"rollback", "zero", "-dsn", pg.DSN}, migrate.Migrations(ms...))
	require.Equal(t, 0, code)
	requireCatalog(t, pg, nil)
	requireHistory(t, pg, map[string]string{})

	// And forward again from nothing, to the latest.
	code, _, _ = cli(t, []string{"migrate", "-dsn", pg.DSN}, migrate.Migrations(ms...))
	require.Equal(t, 0, code)
	requireCatalog(t, pg, schemaV2)
}

func describeAll(m migrate.Migration) []string {
	var out []string
	for _, op := range m.Operations {
		out = append(out, op.Describe())
	}
	return out
}

// requireHistory checks the history table's names and statuses.
func requireHistory(t testing.TB, pg *pgtest.DB, want map[string]string) {
	t.Helper()
	rows, err := pg.Pool.Query(context.Background(), "SELECT name, status FROM eager_migrations")
	require.NoError(t, err)
	defer rows.Close()
	got := map[string]string{}
	for rows.Next() {
		var name, status string
		require.NoError(t, rows.Scan(&name, &status))
		got[name] = status
	}
	require.NoError(t, rows.Err())
	require.Equal(t, want, got, "eager_migrations")
}
