package orm

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"unsafe"

	"github.com/eagerorm/eager/internal/schema"
)

// maxParams is PostgreSQL's limit on bind parameters in one statement.
const maxParams = 65535

// BulkInsert writes objs with multi-row INSERTs, as few as the 65,535
// parameter limit allows, and reads identity and default columns back into
// each object (as Insert does, row by row: a zero field with a server default
// is sent as DEFAULT). When more than one statement is needed they run in one
// transaction (a savepoint inside an existing one), so a failure leaves no
// rows behind; it also leaves the objects as they were, without keys or
// defaults of rows that were rolled back.
//
// With OnConflict(fields...).DoNothing() the objects whose rows conflict are
// skipped: the others are inserted and filled in, and the error is a
// *NotInsertedError (matching ErrNotInserted) listing the skipped ones,
// which keep the values they had. With DoUpdate every object is filled with
// its row as stored, inserted or updated. auto_now / auto_now_add fields are
// set, and BeforeInsert hooks run for every object before the first
// statement, AfterInsert hooks for the objects written after the last.
func BulkInsert[T any](ctx context.Context, db *DB, objs []*T, opts ...InsertOption) error {
	m, err := schema.For[T]()
	if err != nil {
		return err
	}
	if db == nil {
		return fmt.Errorf("orm: bulk insert %s: %w", m.Name, ErrNilDB)
	}
	up, err := resolveConflict(m, opts)
	if err == nil && up != nil && up.nothing && len(up.target) == 0 {
		err = errors.New("DoNothing in a bulk insert needs the conflict fields, OnConflict(fields...), to tell the skipped objects from the inserted ones")
	}
	if err != nil {
		return fmt.Errorf("orm: bulk insert %s: %w", m.Name, err)
	}
	if len(objs) == 0 {
		return nil
	}
	for i, o := range objs {
		if o == nil {
			return fmt.Errorf("orm: bulk insert %s: objs[%d] is nil", m.Name, i)
		}
		if err := checkInsert(m, unsafe.Pointer(o)); err != nil {
			return fmt.Errorf("orm: bulk insert %s: objs[%d]: %w", m.Name, i, err)
		}
	}
	before, after := hasHooks[T](hookInsert)
	if before {
		for i, o := range objs {
			if err := beforeHook(ctx, hookInsert, o); err != nil {
				return fmt.Errorf("orm: bulk insert %s: objs[%d]: %w", m.Name, i, err)
			}
		}
	}
	var returning []*schema.Field
	if up != nil && !up.nothing {
		returning = m.Columns // a row may be one that was there: read all of it back
	} else {
		for _, f := range m.Columns {
			if f.Auto || f.HasDefault || (up != nil && slices.Contains(up.target, f)) {
				returning = append(returning, f)
			}
		}
	}
	keep := returning // what a failure (or a skip) must put back
	if hasStamps(m) {
		keep = m.Columns
	}
	saved := saveReadBack(keep, objs)
	t := now()
	for _, o := range objs {
		stampInsert(m, unsafe.Pointer(o), t)
	}
	perStmt := max(1, maxParams/len(m.Columns))
	var skipped []int
	run := func(ctx context.Context, db *DB) error {
		skipped = skipped[:0]
		for start := 0; start < len(objs); start += perStmt {
			chunk := objs[start:min(start+perStmt, len(objs))]
			miss, err := insertChunk(ctx, db, m, start, chunk, returning, up)
			if err != nil {
				return fmt.Errorf("orm: bulk insert %s (rows %d-%d): %w", m.Name, start, start+len(chunk)-1, err)
			}
			for _, j := range miss {
				skipped = append(skipped, start+j)
			}
		}
		return nil
	}
	if len(objs) <= perStmt {
		err = run(ctx, db)
	} else {
		err = db.RunInTx(ctx, run)
	}
	if err != nil {
		restoreReadBack(saved, objs)
		return err
	}
	for _, i := range skipped {
		restoreOne(saved, objs, i) // not written: it keeps what it had
	}
	if after {
		k := 0
		for i, o := range objs {
			if k < len(skipped) && skipped[k] == i {
				k++
				continue
			}
			if err := afterHook(ctx, hookInsert, o); err != nil {
				return fmt.Errorf("orm: bulk insert %s: objs[%d]: %w", m.Name, i, err)
			}
		}
	}
	if len(skipped) > 0 {
		return &NotInsertedError{Model: m.Name, Indexes: skipped, Total: len(objs)}
	}
	return nil
}

// insertChunk inserts objs[start:start+len(chunk)] with one statement. Under
// DO NOTHING it returns the indexes (in chunk) of the objects it skipped.
func insertChunk[T any](ctx context.Context, db *DB, m *schema.Model, start int, chunk []*T, returning []*schema.Field, up *upsert) ([]int, error) {
	b := insertInto(m, m.Columns)
	objs := make([]unsafe.Pointer, len(chunk))
	for i, obj := range chunk {
		objs[i] = unsafe.Pointer(obj)
		vals, err := rowValues(m, m.Columns, objs[i])
		if err != nil {
			return nil, fmt.Errorf("objs[%d]: %w", start+i, err)
		}
		b = b.Values(vals...)
	}
	if up != nil {
		b = b.Suffix(up.clause())
		if up.nothing {
			return insertSkipping(ctx, db, b, chunk, returning, up.target)
		}
	}
	return nil, runInsert(ctx, db, b, returning, objs)
}

// restoreOne puts back what object i held before a bulk write.
func restoreOne[T any](rb readBack, objs []*T, i int) {
	for k, f := range rb.fields {
		reflect.NewAt(f.Type, unsafe.Add(unsafe.Pointer(objs[i]), f.Offset)).Elem().Set(rb.saved[k].Index(i))
	}
}
