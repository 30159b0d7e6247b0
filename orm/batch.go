package orm

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// BatchQuery is one statement of a batch. Scan reads its rows; leave it nil
// for a statement that returns none.
type BatchQuery struct {
	SQL  string
	Args []any
	Scan func(rows pgx.Rows) error
}

// RunBatch sends the statements in one round trip (pgx.Batch) and hands each
// result to its Scan, in order. Hooks see every statement, with
// QueryEvent.Batch set to the batch size. A single statement is sent alone.
func (db *DB) RunBatch(ctx context.Context, queries []BatchQuery) error {
	if db == nil {
		return ErrNilDB
	}
	switch len(queries) {
	case 0:
		return nil
	case 1:
		return db.runOne(ctx, queries[0])
	}
	ctx, done := db.bound(ctx)
	defer done()
	events := make([]QueryEvent, len(queries))
	b := &pgx.Batch{}
	for i, q := range queries {
		events[i] = QueryEvent{SQL: q.SQL, Args: q.Args, Batch: len(queries)}
		if db.observed(ctx) {
			ctx = db.before(ctx, &events[i])
		}
		b.Queue(q.SQL, q.Args...)
	}
	br := db.q.SendBatch(ctx, b)
	var firstErr error
	for i, q := range queries {
		err := firstErr
		if err == nil {
			err = db.timedOut(ctx, scanBatchResult(br, q))
		}
		if err != nil && firstErr == nil {
			firstErr = err
		}
		if db.observed(ctx) {
			events[i].Err = err
			db.after(ctx, &events[i])
		}
	}
	if err := br.Close(); err != nil && firstErr == nil {
		firstErr = db.timedOut(ctx, translate(err))
	}
	return firstErr
}

func scanBatchResult(br pgx.BatchResults, q BatchQuery) error {
	rows, err := br.Query()
	if err != nil {
		return translate(err)
	}
	defer rows.Close()
	if q.Scan != nil {
		if err := q.Scan(rows); err != nil {
			return err
		}
	}
	rows.Close()
	return translate(rows.Err())
}

func (db *DB) runOne(ctx context.Context, q BatchQuery) error {
	rows, err := db.Query(ctx, q.SQL, q.Args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	if q.Scan != nil {
		if err := q.Scan(rows); err != nil {
			return err
		}
	}
	rows.Close()
	return rows.Err()
}
