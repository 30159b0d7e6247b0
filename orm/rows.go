package orm

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// Rows wraps pgx.Rows so that the hooks' AfterQuery runs exactly once, when
// the rows are exhausted or closed, with the count of rows read and the
// error, if any. It is always used, hooks or not, so that installing a hook
// changes no allocation count.
type Rows struct {
	pgx.Rows
	db   *DB
	ctx  context.Context
	ev   QueryEvent
	n    int64
	done bool
	// observed: hooks or a capture watch this statement.
	observed bool
	// cancel ends the statement timeout's context, once the rows are done.
	cancel func()
}

// Next advances to the next row; at the end it closes the rows.
func (r *Rows) Next() bool {
	if r.Rows.Next() {
		r.n++
		return true
	}
	r.finish()
	return false
}

// Close closes the underlying rows; it is safe to call more than once.
func (r *Rows) Close() {
	r.Rows.Close()
	r.finish()
}

// Err returns the error that ended the rows, translated like every error the
// DB returns (constraint violations match the orm sentinels, a statement
// stopped by a timeout is a *TimeoutError).
func (r *Rows) Err() error { return r.db.timedOut(r.ctx, translate(r.Rows.Err())) }

func (r *Rows) finish() {
	if r.done {
		return
	}
	r.done = true
	if !r.observed {
		r.Rows.Close() // the statement is over before its context ends
		r.cancel()
		return
	}
	r.Rows.Close()
	r.cancel()
	r.ev.RowsAffected = r.n
	r.ev.Err = r.db.timedOut(r.ctx, translate(r.Rows.Err()))
	r.db.after(r.ctx, &r.ev)
}
