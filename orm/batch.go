package orm

import (
	"context"

	"github.com/eagerorm/eager/internal/load"
	"github.com/jackc/pgx/v5"
)

// runBatch sends the statements in one round trip (pgx.Batch) and hands each
// result to its Scan (nil for a statement that returns no rows), in order.
// Hooks see every statement, with QueryEvent.Batch set to the batch size. A
// single statement is sent alone. The loading engine's prefetches and lazy
// loads run through it (engine.go): it takes the engine's statements as they
// are, so a lazy load's batch of one converts and allocates nothing.
func (db *DB) runBatch(ctx context.Context, queries []load.Statement) error {
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

func scanBatchResult(br pgx.BatchResults, q load.Statement) error {
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

func (db *DB) runOne(ctx context.Context, q load.Statement) error {
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
