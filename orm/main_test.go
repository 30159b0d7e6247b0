package orm_test

import (
	"context"
	"sync"
	"testing"

	"github.com/eagerorm/eager/internal/pgtest"
	"github.com/eagerorm/eager/orm"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// newDB gives the test a DB on its own schema, with a recorder attached.
func newDB(t testing.TB) (*orm.DB, *recorder) {
	t.Helper()
	rec := &recorder{}
	return orm.New(pgtest.New(t).Pool, orm.WithHook(rec)), rec
}

// recorder is a QueryHook keeping every event, for asserting what was sent.
type recorder struct {
	mu     sync.Mutex
	events []orm.QueryEvent
}

func (r *recorder) BeforeQuery(ctx context.Context, _ orm.QueryEvent) context.Context { return ctx }

func (r *recorder) AfterQuery(_ context.Context, ev orm.QueryEvent) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, ev)
}

func (r *recorder) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = nil
}

func (r *recorder) sqls() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, len(r.events))
	for i, e := range r.events {
		out[i] = e.SQL
	}
	return out
}

func mustExec(t testing.TB, db *orm.DB, sql string) {
	t.Helper()
	if _, err := db.Exec(context.Background(), sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}
