package orm

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// errNoQuerier is what a DB made by New(nil) answers to every statement.
var errNoQuerier = errors.New("orm: the DB has no pool, connection or transaction (orm.New(nil))")

// noQuerier stands in for the missing Querier of New(nil): every call fails
// with errNoQuerier, so a nil input is an error where it is used, never a
// nil-pointer panic. Building SQL on such a DB (QuerySet.SQL) still works.
type noQuerier struct{}

func (noQuerier) Exec(context.Context, string, ...any) (pgconn.CommandTag, error) {
	return pgconn.CommandTag{}, errNoQuerier
}

func (noQuerier) Query(context.Context, string, ...any) (pgx.Rows, error) { return nil, errNoQuerier }

func (noQuerier) QueryRow(context.Context, string, ...any) pgx.Row { return noRow{} }

func (noQuerier) SendBatch(context.Context, *pgx.Batch) pgx.BatchResults { return noBatch{} }

func (noQuerier) CopyFrom(context.Context, pgx.Identifier, []string, pgx.CopyFromSource) (int64, error) {
	return 0, errNoQuerier
}

func (noQuerier) Begin(context.Context) (pgx.Tx, error) { return nil, errNoQuerier }

func (noQuerier) BeginTx(context.Context, pgx.TxOptions) (pgx.Tx, error) { return nil, errNoQuerier }

type noRow struct{}

func (noRow) Scan(...any) error { return errNoQuerier }

type noBatch struct{}

func (noBatch) Exec() (pgconn.CommandTag, error) { return pgconn.CommandTag{}, errNoQuerier }
func (noBatch) Query() (pgx.Rows, error)         { return nil, errNoQuerier }
func (noBatch) QueryRow() pgx.Row                { return noRow{} }
func (noBatch) Close() error                     { return errNoQuerier }
func (noBatch) Tx() pgx.Tx                       { return nil }
