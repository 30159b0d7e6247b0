package queryset

import (
	"context"
	"sync"

	"github.com/eagerorm/eager/orm"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// heldConn is what the rows Iter yields send their statements through
// (their prefetches, lazy and FetchPeers loads). While the loop runs it
// sends them on the transaction Iter holds, so Iter never waits on the pool
// for a second connection while it holds one; once the loop is over, on
// the connection or pool the QuerySet's DB uses, so rows kept after the
// loop still load.
//
// A connection runs one statement at a time, and the loop body may load
// from several goroutines: mu is held from a statement's start until its
// rows (or batch) are closed.
type heldConn struct {
	mu    sync.Mutex
	tx    orm.Querier // nil once released
	after orm.Querier
}

// acquire returns where the next statement goes; when that is the held
// transaction, mu is locked and the caller unlocks it when done.
func (h *heldConn) acquire() (orm.Querier, bool) {
	h.mu.Lock()
	if h.tx == nil {
		h.mu.Unlock()
		return h.after, false
	}
	return h.tx, true
}

// release ends the loop: statements after it go to h.after. It waits for a
// statement in flight, so the transaction can then be committed.
func (h *heldConn) release() {
	h.mu.Lock()
	h.tx = nil
	h.mu.Unlock()
}

func (h *heldConn) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	q, held := h.acquire()
	if held {
		defer h.mu.Unlock()
	}
	return q.Exec(ctx, sql, args...)
}

func (h *heldConn) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	q, held := h.acquire()
	rows, err := q.Query(ctx, sql, args...)
	if !held {
		return rows, err
	}
	if err != nil {
		h.mu.Unlock()
		return nil, err
	}
	return &heldRows{Rows: rows, unlock: h.mu.Unlock}, nil
}

func (h *heldConn) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	rows, err := h.Query(ctx, sql, args...)
	return heldRow{rows: rows, err: err}
}

func (h *heldConn) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	q, held := h.acquire()
	br := q.SendBatch(ctx, b)
	if !held {
		return br
	}
	return &heldBatch{BatchResults: br, unlock: h.mu.Unlock}
}

func (h *heldConn) CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, src pgx.CopyFromSource) (int64, error) {
	q, held := h.acquire()
	if held {
		defer h.mu.Unlock()
	}
	return q.CopyFrom(ctx, table, columns, src)
}

func (h *heldConn) Begin(ctx context.Context) (pgx.Tx, error) {
	q, held := h.acquire()
	if held {
		defer h.mu.Unlock()
	}
	return q.Begin(ctx)
}

// heldRows unlocks the held connection when the rows are done: closed, or
// read to the end (pgx closes them then).
type heldRows struct {
	pgx.Rows
	once   sync.Once
	unlock func()
}

func (r *heldRows) Next() bool {
	if r.Rows.Next() {
		return true
	}
	r.once.Do(r.unlock)
	return false
}

func (r *heldRows) Close() {
	r.Rows.Close()
	r.once.Do(r.unlock)
}

type heldBatch struct {
	pgx.BatchResults
	once   sync.Once
	unlock func()
}

func (b *heldBatch) Close() error {
	err := b.BatchResults.Close()
	b.once.Do(b.unlock)
	return err
}

type heldRow struct {
	rows pgx.Rows
	err  error
}

func (r heldRow) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	defer r.rows.Close()
	if !r.rows.Next() {
		if err := r.rows.Err(); err != nil {
			return err
		}
		return pgx.ErrNoRows
	}
	if err := r.rows.Scan(dest...); err != nil {
		return err
	}
	r.rows.Close()
	return r.rows.Err()
}
