package migrate_test

import (
	"testing"

	"github.com/eagerorm/eager/internal/pgtest"
	"github.com/eagerorm/eager/migrate"
	"github.com/stretchr/testify/require"
)

// TestNoDefaultDatabase: with no -dsn, no DSN option and nothing in the
// environment, the commands that use a database fail, naming where a
// database comes from, instead of migrating whatever answers on
// 127.0.0.1:5432. The environment variables are read in their order.
func TestNoDefaultDatabase(t *testing.T) {
	pg := pgtest.New(t)
	for _, name := range []string{"EAGER_DATABASE_URL", "DATABASE_URL", "PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER", "PGSERVICE"} {
		t.Setenv(name, "")
	}
	ms := migrate.Migrations(createItem)
	for _, args := range [][]string{{"status"}, {"migrate"}, {"migrate", "--dry-run"}, {"rollback", "zero"}} {
		code, _, stderr := cli(t, args, ms)
		require.Equal(t, 1, code, "%v", args)
		require.Contains(t, stderr, "migrate: no database given: pass -dsn URL, or set $EAGER_DATABASE_URL, $DATABASE_URL or the libpq variables", "%v", args)
	}

	t.Setenv("DATABASE_URL", pg.DSN)
	code, out, _ := cli(t, []string{"status"}, ms)
	require.Equal(t, 0, code)
	require.Contains(t, out, "Schema "+pg.Schema+",")

	t.Setenv("EAGER_DATABASE_URL", "postgres://nobody@127.0.0.1:1/nothing") // first in the order
	code, _, stderr := cli(t, []string{"status"}, ms)
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "127.0.0.1")
	code, _, _ = cli(t, []string{"status", "-dsn", pg.DSN}, ms) // the flag wins
	require.Equal(t, 0, code)
}
