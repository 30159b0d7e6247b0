package orm

import (
	"context"

	"github.com/eagerorm/eager/internal/sqlgen"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Exec sends a statement that returns no rows, through the DB's hooks.
func (db *DB) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	if db == nil {
		return pgconn.CommandTag{}, ErrNilDB
	}
	ctx, done := db.bound(ctx)
	defer done()
	if !db.observed(ctx) {
		tag, err := db.q.Exec(ctx, sql, args...)
		return tag, db.timedOut(ctx, translate(err))
	}
	ev := QueryEvent{SQL: sql, Args: args}
	ctx = db.before(ctx, &ev)
	tag, err := db.q.Exec(ctx, sql, args...)
	err = db.timedOut(ctx, translate(err))
	ev.RowsAffected, ev.Err = tag.RowsAffected(), err
	db.after(ctx, &ev)
	return tag, err
}

// Query sends a statement that returns rows. Its hooks' AfterQuery runs when
// the rows are closed (or read to the end), with the number of rows read.
func (db *DB) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	if db == nil {
		return nil, ErrNilDB
	}
	ctx, done := db.bound(ctx)
	r := &Rows{db: db, ev: QueryEvent{SQL: sql, Args: args}, observed: db.observed(ctx), cancel: done}
	if r.observed {
		ctx = db.before(ctx, &r.ev)
	}
	r.ctx = ctx
	rows, err := db.q.Query(ctx, sql, args...)
	if err != nil {
		done()
		err = db.timedOut(ctx, translate(err))
		r.ev.Err = err
		r.done = true
		if r.observed {
			db.after(ctx, &r.ev)
		}
		return nil, err
	}
	r.Rows = rows
	return r, nil
}

// QueryRow sends a statement and scans its first row; Scan returns
// pgx.ErrNoRows when there is none.
func (db *DB) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	rows, err := db.Query(ctx, sql, args...)
	return &row{rows: rows, err: err}
}

type row struct {
	rows pgx.Rows
	err  error
}

func (r *row) Scan(dest ...any) error {
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

// CopyFrom bulk-loads rows with COPY; the hooks see it as one statement.
func (db *DB) CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, src pgx.CopyFromSource) (int64, error) {
	if db == nil {
		return 0, ErrNilDB
	}
	ctx, done := db.bound(ctx)
	defer done()
	if !db.observed(ctx) {
		n, err := db.q.CopyFrom(ctx, table, columns, src)
		return n, db.timedOut(ctx, translate(err))
	}
	ev := QueryEvent{SQL: copySQL(table, columns)}
	ctx = db.before(ctx, &ev)
	n, err := db.q.CopyFrom(ctx, table, columns, src)
	err = db.timedOut(ctx, translate(err))
	ev.RowsAffected, ev.Err = n, err
	db.after(ctx, &ev)
	return n, err
}

func copySQL(table pgx.Identifier, columns []string) string {
	return sqlgen.D.CopyFrom(table, columns)
}
