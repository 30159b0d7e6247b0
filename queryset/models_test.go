package queryset_test

import (
	"context"
	"testing"

	"github.com/eagerorm/eager/internal/pgtest"
	"github.com/eagerorm/eager/internal/testdomain"
	"github.com/eagerorm/eager/orm"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// seeded returns a DB on a fresh schema holding the seed, and its counter.
func seeded(t testing.TB) (*orm.DB, *counter) {
	t.Helper()
	tdb := pgtest.New(t)
	ctx := context.Background()
	if _, err := tdb.Pool.Exec(ctx, testdomain.SchemaDDL+testdomain.SeedSQL); err != nil {
		t.Fatal(err)
	}
	c := &counter{}
	return orm.New(tdb.Pool, orm.WithHook(c)), c
}

// counter counts the statements a DB sends.
type counter = testdomain.Counter
