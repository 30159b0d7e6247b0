package orm

import (
	"context"
	"fmt"
	"strconv"
	"strings"
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
			if err := insertChunk(ctx, db, m, chunk, returning); err != nil {
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

func insertChunk[T any](ctx context.Context, db *DB, m *schema.Model, chunk []*T, returning []*schema.Field) error {
	var sb strings.Builder
	sb.WriteString("INSERT INTO " + quote(m.Table) + " (")
	for i, f := range m.Columns {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(quote(f.Column))
	}
	sb.WriteString(") VALUES ")
	args := make([]any, 0, len(chunk)*len(m.Columns))
	for r, obj := range chunk {
		if r > 0 {
			sb.WriteString(", ")
		}
		base := unsafe.Pointer(obj)
		sb.WriteByte('(')
		for i, f := range m.Columns {
			if i > 0 {
				sb.WriteString(", ")
			}
			if serverFilled(f, base) {
				sb.WriteString("DEFAULT")
				continue
			}
			args = append(args, f.Value(base))
			sb.WriteString("$" + strconv.Itoa(len(args)))
		}
		sb.WriteByte(')')
	}
	if len(returning) == 0 {
		_, err := db.Exec(ctx, sb.String(), args...)
		return err
	}
	writeReturning(&sb, returning)
	rows, err := db.Query(ctx, sb.String(), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	dest := make([]any, len(returning))
	i := 0
	for rows.Next() {
		if i >= len(chunk) {
			return fmt.Errorf("RETURNING gave more rows than were inserted")
		}
		base := unsafe.Pointer(chunk[i])
		for j, f := range returning {
			dest[j] = f.Addr(base)
		}
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		i++
	}
	return rows.Err()
}
