package queryset_test

import (
	"context"
	"sync"
	"testing"

	"github.com/eagerorm/eager/internal/pgtest"
	"github.com/eagerorm/eager/internal/testdomain"
	"github.com/eagerorm/eager/orm"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// counter counts the statements a DB sends (transaction control excluded).
type counter struct {
	mu   sync.Mutex
	sqls []string
}

func (c *counter) BeforeQuery(ctx context.Context, _ orm.QueryEvent) context.Context { return ctx }

func (c *counter) AfterQuery(_ context.Context, ev orm.QueryEvent) {
	if ev.TxControl {
		return
	}
	c.mu.Lock()
	c.sqls = append(c.sqls, ev.SQL)
	c.mu.Unlock()
}

func (c *counter) n() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.sqls)
}

func (c *counter) reset() {
	c.mu.Lock()
	c.sqls = nil
	c.mu.Unlock()
}

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
