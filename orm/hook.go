package orm

import (
	"context"
	"time"

	"github.com/eagerorm/eager/internal/callsite"
)

// QueryHook observes every statement a DB sends. BeforeQuery may return a
// derived context (carrying a span, say) that the statement runs with and
// that AfterQuery receives. Events are passed by value, so a hook that has
// nothing to do costs no allocation.
type QueryHook interface {
	BeforeQuery(ctx context.Context, ev QueryEvent) context.Context
	AfterQuery(ctx context.Context, ev QueryEvent)
}

// QueryEvent describes one statement.
type QueryEvent struct {
	SQL  string
	Args []any
	// Start is when the statement was sent; Duration, RowsAffected and Err are
	// set for AfterQuery. For a query, Duration runs until its rows are closed.
	Start    time.Time
	Duration time.Duration
	// RowsAffected is the number of rows returned by a query, or affected by
	// a command (the command tag's count).
	RowsAffected int64
	Err          error
	// TxControl marks BEGIN, COMMIT, ROLLBACK and savepoint statements sent by
	// RunInTx, so a query counter can tell them from the work itself.
	TxControl bool
	// Batch is the number of statements sent in the same round trip (pgx.Batch),
	// 0 for a statement sent alone.
	Batch int

	site string // the caller's file:line, found only while a Capture is active
}

// HookFunc adapts an AfterQuery-only function to a QueryHook.
type HookFunc func(ctx context.Context, ev QueryEvent)

// BeforeQuery returns ctx unchanged.
func (HookFunc) BeforeQuery(ctx context.Context, _ QueryEvent) context.Context { return ctx }

// AfterQuery calls f.
func (f HookFunc) AfterQuery(ctx context.Context, ev QueryEvent) { f(ctx, ev) }

// observed reports whether anything watches statements run with ctx: a
// hook on the DB or an active Capture. Unobserved statements skip the event
// bookkeeping entirely.
func (db *DB) observed(ctx context.Context) bool {
	return len(db.hooks) > 0 || captureFrom(ctx) != nil
}

// before runs the hooks' BeforeQuery in order and returns the context the
// statement runs with.
func (db *DB) before(ctx context.Context, ev *QueryEvent) context.Context {
	ev.Start = time.Now()
	if captureFrom(ctx) != nil {
		ev.site = callsite.Find(1)
	}
	for _, h := range db.hooks {
		ctx = h.BeforeQuery(ctx, *ev)
	}
	return ctx
}

// after completes the event and runs AfterQuery in reverse order, so the
// outermost hook sees the statement last, as with middleware; then records
// it in the active capture, if any.
func (db *DB) after(ctx context.Context, ev *QueryEvent) {
	ev.Duration = time.Since(ev.Start)
	for i := len(db.hooks) - 1; i >= 0; i-- {
		db.hooks[i].AfterQuery(ctx, *ev)
	}
	if log := captureFrom(ctx); log != nil {
		log.record(ctx, ev)
	}
}
