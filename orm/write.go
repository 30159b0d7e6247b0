package orm

import (
	"context"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"unsafe"

	"github.com/eagerorm/eager/internal/schema"
	"github.com/jackc/pgx/v5"
)

func quote(name string) string { return pgx.Identifier{name}.Sanitize() }

// Insert writes obj as a new row. Columns whose field holds its zero value and
// that the database fills (an identity primary key, an orm:"default:..."
// column) are left to the database and read back into obj with RETURNING.
// On error obj is left as it was.
func Insert[T any](ctx context.Context, db *DB, obj *T) error {
	m, err := schema.For[T]()
	if err != nil {
		return err
	}
	if obj == nil {
		return fmt.Errorf("orm: insert %s: nil object", m.Name)
	}
	if db == nil {
		return fmt.Errorf("orm: insert %s: %w", m.Name, ErrNilDB)
	}
	base := unsafe.Pointer(obj)
	if err := checkInsert(m, base); err != nil {
		return fmt.Errorf("orm: insert %s: %w", m.Name, err)
	}
	var cols, params []string
	var args []any
	var returning []*schema.Field
	for _, f := range m.Columns {
		if serverFilled(f, base) {
			returning = append(returning, f)
			continue
		}
		args = append(args, f.Value(base))
		cols = append(cols, quote(f.Column))
		params = append(params, "$"+strconv.Itoa(len(args)))
	}
	var sb strings.Builder
	sb.WriteString("INSERT INTO " + quote(m.Table))
	if len(cols) == 0 {
		sb.WriteString(" DEFAULT VALUES")
	} else {
		sb.WriteString(" (" + strings.Join(cols, ", ") + ") VALUES (" + strings.Join(params, ", ") + ")")
	}
	if len(returning) == 0 {
		if _, err := db.Exec(ctx, sb.String(), args...); err != nil {
			return fmt.Errorf("orm: insert %s: %w", m.Name, err)
		}
		return nil
	}
	writeReturning(&sb, returning)
	dest := make([]any, len(returning))
	for i, f := range returning {
		dest[i] = f.Addr(base)
	}
	if err := db.QueryRow(ctx, sb.String(), args...).Scan(dest...); err != nil {
		// Scan may have filled some fields before it failed; they were zero
		// (that is why the database was asked for them), so zero them again.
		for _, f := range returning {
			setZero(f, base)
		}
		return fmt.Errorf("orm: insert %s: %w", m.Name, err)
	}
	return nil
}

// serverFilled reports whether the database supplies the column's value for
// this row: its field is zero and it has an identity or a default.
func serverFilled(f *schema.Field, base unsafe.Pointer) bool {
	return (f.Auto || f.HasDefault) && f.IsZero(base)
}

func setZero(f *schema.Field, base unsafe.Pointer) {
	reflect.NewAt(f.Type, unsafe.Add(base, f.Offset)).Elem().SetZero()
}

// readBack keeps what the fields RETURNING fills held in each object before
// a bulk insert, so that a failed one can put them back: objects must not
// carry keys and defaults of rows that were rolled back.
type readBack struct {
	fields []*schema.Field
	saved  []reflect.Value // per field, a slice holding its value in each object
}

func saveReadBack[T any](fields []*schema.Field, objs []*T) readBack {
	rb := readBack{fields: fields, saved: make([]reflect.Value, len(fields))}
	for i, f := range fields {
		vals := reflect.MakeSlice(reflect.SliceOf(f.Type), len(objs), len(objs))
		for j, o := range objs {
			vals.Index(j).Set(reflect.NewAt(f.Type, unsafe.Add(unsafe.Pointer(o), f.Offset)).Elem())
		}
		rb.saved[i] = vals
	}
	return rb
}

func restoreReadBack[T any](rb readBack, objs []*T) {
	for i, f := range rb.fields {
		for j, o := range objs {
			reflect.NewAt(f.Type, unsafe.Add(unsafe.Pointer(o), f.Offset)).Elem().Set(rb.saved[i].Index(j))
		}
	}
}

func writeReturning(sb *strings.Builder, fields []*schema.Field) {
	sb.WriteString(" RETURNING ")
	for i, f := range fields {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(quote(f.Column))
	}
}

// Update writes obj's fields to its row, found by primary key. With no field
// names it writes every column but the key. It returns an error matching
// ErrNoRows when no row has that key.
func Update[T any](ctx context.Context, db *DB, obj *T, fields ...string) error {
	m, err := schema.For[T]()
	if err != nil {
		return err
	}
	if obj == nil {
		return fmt.Errorf("orm: update %s: nil object", m.Name)
	}
	if db == nil {
		return fmt.Errorf("orm: update %s: %w", m.Name, ErrNilDB)
	}
	base := unsafe.Pointer(obj)
	if m.PK.IsZero(base) && m.PK.Auto {
		return fmt.Errorf("orm: update %s: the object has no primary key yet (insert it first)", m.Name)
	}
	targets, err := updateFields(m, fields)
	if err != nil {
		return err
	}
	// Named fields say what to write; a whole-row update must not drop
	// relation rows a setter put on the object.
	err = checkKeys(targets, base)
	if err == nil && len(fields) == 0 {
		err = checkHeld(m, base, "update", true)
	}
	if err != nil {
		return fmt.Errorf("orm: update %s: %w", m.Name, err)
	}
	var sb strings.Builder
	sb.WriteString("UPDATE " + quote(m.Table) + " SET ")
	args := make([]any, 0, len(targets)+1)
	for i, f := range targets {
		if i > 0 {
			sb.WriteString(", ")
		}
		args = append(args, f.Value(base))
		sb.WriteString(quote(f.Column) + " = $" + strconv.Itoa(len(args)))
	}
	pk := m.PK.Value(base)
	args = append(args, pk)
	sb.WriteString(" WHERE " + quote(m.PK.Column) + " = $" + strconv.Itoa(len(args)))
	tag, err := db.Exec(ctx, sb.String(), args...)
	if err != nil {
		return fmt.Errorf("orm: update %s: %w", m.Name, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("orm: update %s with %s = %v: %w", m.Name, m.PK.Name, pk, ErrNoRows)
	}
	return nil
}

func updateFields(m *schema.Model, names []string) ([]*schema.Field, error) {
	if len(names) == 0 {
		var all []*schema.Field
		for _, f := range m.Columns {
			if !f.PK {
				all = append(all, f)
			}
		}
		if len(all) == 0 {
			return nil, fmt.Errorf("orm: update %s: the model has no column besides its primary key", m.Name)
		}
		return all, nil
	}
	seen := map[*schema.Field]bool{}
	var out []*schema.Field
	for _, name := range names {
		f, ok := m.FieldByName(name)
		if !ok {
			return nil, m.UnknownField(name)
		}
		if f.Column == "" {
			return nil, &FieldError{Model: m.Name, Field: name, Msg: fmt.Sprintf("a %s relation has no column to update", f.Rel.Kind)}
		}
		if f.PK {
			return nil, &FieldError{Model: m.Name, Field: name, Msg: "the primary key identifies the row and cannot be updated here"}
		}
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out, nil
}

// Delete removes obj's row, found by primary key. It returns an error matching
// ErrNoRows when no row has that key.
func Delete[T any](ctx context.Context, db *DB, obj *T) error {
	m, err := schema.For[T]()
	if err != nil {
		return err
	}
	if obj == nil {
		return fmt.Errorf("orm: delete %s: nil object", m.Name)
	}
	if db == nil {
		return fmt.Errorf("orm: delete %s: %w", m.Name, ErrNilDB)
	}
	pk := m.PK.Value(unsafe.Pointer(obj))
	tag, err := db.Exec(ctx, "DELETE FROM "+quote(m.Table)+" WHERE "+quote(m.PK.Column)+" = $1", pk)
	if err != nil {
		return fmt.Errorf("orm: delete %s: %w", m.Name, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("orm: delete %s with %s = %v: %w", m.Name, m.PK.Name, pk, ErrNoRows)
	}
	return nil
}
