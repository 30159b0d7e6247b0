package orm

import (
	"context"
	"fmt"
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
func BulkInsert[T any](ctx context.Context, db *DB, objs []*T) error {
	m, err := schema.For[T]()
	if err != nil {
		return err
	}
	if db == nil {
		return fmt.Errorf("orm: bulk insert %s: %w", m.Name, ErrNilDB)
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
	var returning []*schema.Field
	for _, f := range m.Columns {
		if f.Auto || f.HasDefault {
			returning = append(returning, f)
		}
	}
	perStmt := max(1, maxParams/len(m.Columns))
	run := func(ctx context.Context, db *DB) error {
		for start := 0; start < len(objs); start += perStmt {
			chunk := objs[start:min(start+perStmt, len(objs))]
			if err := insertChunk(ctx, db, m, start, chunk, returning); err != nil {
				return fmt.Errorf("orm: bulk insert %s (rows %d-%d): %w", m.Name, start, start+len(chunk)-1, err)
			}
		}
		return nil
	}
	saved := saveReadBack(returning, objs)
	if len(objs) <= perStmt {
		err = run(ctx, db)
	} else {
		err = db.RunInTx(ctx, run)
	}
	if err != nil {
		restoreReadBack(saved, objs)
	}
	return err
}

// insertChunk inserts objs[start:start+len(chunk)] with one statement.
func insertChunk[T any](ctx context.Context, db *DB, m *schema.Model, start int, chunk []*T, returning []*schema.Field) error {
	b := insertInto(m, m.Columns)
	objs := make([]unsafe.Pointer, len(chunk))
	for i, obj := range chunk {
		objs[i] = unsafe.Pointer(obj)
		vals, err := rowValues(m, m.Columns, objs[i])
		if err != nil {
			return fmt.Errorf("objs[%d]: %w", start+i, err)
		}
		b = b.Values(vals...)
	}
	return runInsert(ctx, db, b, returning, objs)
}
