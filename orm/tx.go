package orm

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

var errNilFn = errors.New("orm: RunInTx: nil function")

// TxOption sets how RunInTx begins a transaction.
type TxOption func(*pgx.TxOptions)

// WithIsolation sets the isolation level (pgx.Serializable, pgx.RepeatableRead, ...).
func WithIsolation(level pgx.TxIsoLevel) TxOption {
	return func(o *pgx.TxOptions) { o.IsoLevel = level }
}

// ReadOnly begins a READ ONLY transaction.
func ReadOnly() TxOption {
	return func(o *pgx.TxOptions) { o.AccessMode = pgx.ReadOnly }
}

// Deferrable begins a DEFERRABLE transaction (with Serializable and ReadOnly,
// a snapshot that never fails to serialize).
func Deferrable() TxOption {
	return func(o *pgx.TxOptions) { o.DeferrableMode = pgx.Deferrable }
}

// RunInTx runs fn in a transaction: it commits when fn returns nil and rolls
// back when fn returns an error or panics (the panic is re-raised after the
// rollback). Called on a DB that is already in a transaction, it uses a
// savepoint, so an inner failure undoes only the inner work. The tx DB passed
// to fn keeps the receiver's hooks and load mode and must not be used after
// fn returns.
func (db *DB) RunInTx(ctx context.Context, fn func(ctx context.Context, tx *DB) error, opts ...TxOption) (err error) {
	if db == nil {
		return ErrNilDB
	}
	if fn == nil {
		return errNilFn
	}
	var txo pgx.TxOptions
	for _, o := range opts {
		o(&txo)
	}
	tx, err := db.begin(ctx, txo)
	if err != nil {
		return err
	}
	txdb := &DB{q: tx, hooks: db.hooks, mode: db.mode, floor: db.floor, inTx: true, limits: db.limits}
	savepoint := db.inTx
	defer func() {
		if p := recover(); p != nil {
			db.finishTx(ctx, tx, savepoint, false)
			panic(p)
		}
	}()
	if ferr := fn(ctx, txdb); ferr != nil {
		if rerr := db.finishTx(ctx, tx, savepoint, false); rerr != nil {
			return errors.Join(ferr, fmt.Errorf("orm: rollback: %w", rerr))
		}
		return ferr
	}
	if cerr := db.finishTx(ctx, tx, savepoint, true); cerr != nil {
		return fmt.Errorf("orm: commit: %w", cerr)
	}
	return nil
}

func (db *DB) begin(ctx context.Context, txo pgx.TxOptions) (pgx.Tx, error) {
	if set := db.lockTimeoutSQL(); set != "" && !db.inTx {
		txo.BeginQuery = beginSQL(txo) + "; " + set // one round trip: BEGIN and its lock_timeout
	}
	ev := QueryEvent{SQL: beginSQL(txo), TxControl: true}
	if db.inTx {
		if txo != (pgx.TxOptions{}) {
			return nil, errors.New("orm: RunInTx: transaction options on a nested call (a savepoint cannot change isolation or access mode)")
		}
		ev.SQL = "SAVEPOINT"
	}
	if db.observed(ctx) {
		ctx = db.before(ctx, &ev)
	}
	var tx pgx.Tx
	var err error
	if b, ok := db.q.(txBeginner); ok && !db.inTx {
		tx, err = b.BeginTx(ctx, txo)
	} else {
		tx, err = db.q.Begin(ctx)
	}
	err = translate(err)
	if db.observed(ctx) {
		ev.Err = err
		db.after(ctx, &ev)
	}
	if err != nil {
		return nil, fmt.Errorf("orm: begin: %w", err)
	}
	return tx, nil
}

// finishTx commits or rolls back. A rollback runs even when ctx is cancelled:
// leaving the transaction open would poison the pooled connection.
func (db *DB) finishTx(ctx context.Context, tx pgx.Tx, savepoint, commit bool) error {
	ev := QueryEvent{TxControl: true}
	switch {
	case commit && savepoint:
		ev.SQL = "RELEASE SAVEPOINT"
	case commit:
		ev.SQL = "COMMIT"
	case savepoint:
		ev.SQL = "ROLLBACK TO SAVEPOINT"
	default:
		ev.SQL = "ROLLBACK"
	}
	if !commit {
		ctx = context.WithoutCancel(ctx)
	}
	if db.observed(ctx) {
		ctx = db.before(ctx, &ev)
	}
	var err error
	if commit {
		err = tx.Commit(ctx)
	} else {
		err = tx.Rollback(ctx)
	}
	err = translate(err)
	if db.observed(ctx) {
		ev.Err = err
		db.after(ctx, &ev)
	}
	return err
}

func beginSQL(o pgx.TxOptions) string {
	if o.BeginQuery != "" {
		return o.BeginQuery
	}
	parts := []string{"BEGIN"}
	if o.IsoLevel != "" {
		parts = append(parts, "ISOLATION LEVEL "+strings.ToUpper(string(o.IsoLevel)))
	}
	if o.AccessMode != "" {
		parts = append(parts, strings.ToUpper(string(o.AccessMode)))
	}
	if o.DeferrableMode != "" {
		parts = append(parts, strings.ToUpper(string(o.DeferrableMode)))
	}
	return strings.Join(parts, " ")
}
