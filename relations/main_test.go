package relations_test

import (
	"context"
	"sync"
	"testing"

	"github.com/eagerorm/eager/internal/pgtest"
	"github.com/eagerorm/eager/internal/testdomain"
	"github.com/eagerorm/eager/orm"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// counter records the statements a DB sends (transaction control aside).
type counter struct {
	mu     sync.Mutex
	events []orm.QueryEvent
}

func (c *counter) BeforeQuery(ctx context.Context, _ orm.QueryEvent) context.Context { return ctx }

func (c *counter) AfterQuery(_ context.Context, ev orm.QueryEvent) {
	if ev.TxControl {
		return
	}
	c.mu.Lock()
	c.events = append(c.events, ev)
	c.mu.Unlock()
}

func (c *counter) n() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.events)
}

func (c *counter) sqls() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]string, len(c.events))
	for i, e := range c.events {
		out[i] = e.SQL
	}
	return out
}

func (c *counter) reset() {
	c.mu.Lock()
	c.events = nil
	c.mu.Unlock()
}

func seeded(t testing.TB, opts ...orm.Option) (*orm.DB, *counter, *pgtest.DB) {
	t.Helper()
	tdb := pgtest.New(t)
	if _, err := tdb.Pool.Exec(context.Background(), testdomain.SchemaDDL+testdomain.SeedSQL); err != nil {
		t.Fatal(err)
	}
	c := &counter{}
	return orm.New(tdb.Pool, append(opts, orm.WithHook(c))...), c, tdb
}
