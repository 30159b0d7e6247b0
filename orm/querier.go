package orm

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Querier is what a DB sends statements through. *pgxpool.Pool, *pgx.Conn and
// pgx.Tx all satisfy it, so orm.New can wrap any of them.
type Querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
	CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, src pgx.CopyFromSource) (int64, error)
	Begin(ctx context.Context) (pgx.Tx, error)
}

// txBeginner is the part of a pool or connection that starts a transaction
// with options; a pgx.Tx lacks it, since what it begins is a savepoint.
type txBeginner interface {
	BeginTx(ctx context.Context, opts pgx.TxOptions) (pgx.Tx, error)
}

// WithQuerier returns a DB with db's hooks and load mode that sends its
// statements through q instead: a connection or transaction the caller
// holds, or a Querier of its own that routes them (Iter gives the rows it
// yields one that uses the connection it holds while the loop runs).
func (db *DB) WithQuerier(q Querier) *DB {
	c := *db
	c.pool = nil // the copy never closes the original's pool
	c.q = q
	_, canBeginTx := q.(txBeginner)
	c.inTx = !canBeginTx
	return &c
}
