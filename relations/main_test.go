package relations_test

import (
	"context"
	"testing"

	"github.com/eagerorm/eager/internal/pgtest"
	"github.com/eagerorm/eager/internal/testdomain"
	"github.com/eagerorm/eager/orm"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// counter records the statements a DB sends (transaction control aside).
type counter = testdomain.Counter

func seeded(t testing.TB, opts ...orm.Option) (*orm.DB, *counter, *pgtest.DB) {
	t.Helper()
	tdb := pgtest.New(t)
	if _, err := tdb.Pool.Exec(context.Background(), testdomain.SchemaDDL+testdomain.SeedSQL); err != nil {
		t.Fatal(err)
	}
	c := &counter{}
	return orm.New(tdb.Pool, append(opts, orm.WithHook(c))...), c, tdb
}
