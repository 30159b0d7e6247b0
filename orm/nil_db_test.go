package orm_test

import (
	"context"
	"testing"

	"github.com/eagerorm/eager/orm"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
)

// Every exported orm function and DB method that can return an error returns
// one for a nil *orm.DB, naming what was asked; none panics.
func TestNilDBIsAnErrorNotAPanic(t *testing.T) {
	ctx := context.Background()
	var db *orm.DB
	c := &Customer{Name: "Ann", Email: "a@x"}
	calls := map[string]func() error{
		"Insert":     func() error { return orm.Insert(ctx, db, c) },
		"Update":     func() error { c.ID = 1; return orm.Update(ctx, db, c) },
		"Delete":     func() error { return orm.Delete(ctx, db, c) },
		"BulkInsert": func() error { return orm.BulkInsert(ctx, db, []*Customer{c}) },
		"Exec":       func() error { _, err := db.Exec(ctx, "SELECT 1"); return err },
		"Query":      func() error { _, err := db.Query(ctx, "SELECT 1"); return err },
		"QueryRow":   func() error { var n int; return db.QueryRow(ctx, "SELECT 1").Scan(&n) },
		"CopyFrom": func() error {
			_, err := db.CopyFrom(ctx, pgx.Identifier{"customer"}, []string{"name"}, pgx.CopyFromRows(nil))
			return err
		},
		"RunInTx":  func() error { return db.RunInTx(ctx, func(context.Context, *orm.DB) error { return nil }) },
		"RunBatch": func() error { return db.RunBatch(ctx, []orm.BatchQuery{{SQL: "SELECT 1"}}) },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			var err error
			assert.NotPanics(t, func() { err = call() })
			assert.ErrorIs(t, err, orm.ErrNilDB)
		})
	}
	assert.NotPanics(t, func() { db.Close() }, "closing nothing does nothing")
}

// The getters a caller may reach before its statement fails answer for a nil
// DB instead of panicking, so the statement's ErrNilDB is what the caller sees.
func TestNilDBGetters(t *testing.T) {
	var db *orm.DB
	assert.NotPanics(t, func() {
		assert.Nil(t, db.Querier())
		assert.False(t, db.InTx())
		assert.Equal(t, orm.Lazy, db.LoadMode())
	})
}
