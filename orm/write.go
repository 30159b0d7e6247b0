package orm

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"unsafe"

	sq "github.com/Masterminds/squirrel"
	"github.com/eagerorm/eager/internal/load"
	"github.com/eagerorm/eager/internal/pgvalue"
	"github.com/eagerorm/eager/internal/schema"
	"github.com/eagerorm/eager/internal/sqlgen"
)

// Insert writes obj as a new row. Columns whose field holds its zero value and
// that the database fills (an identity primary key, an orm:"default:..."
// column) are left to the database and read back into obj with RETURNING.
// An OnConflict or OnConstraint option makes it an upsert (see Conflict).
// auto_now and auto_now_add fields are set first, and the model's
// BeforeInsert / AfterInsert hooks run around the statement (modelhooks.go).
// On error obj is left as it was. After it, obj is bound to db as a row
// read through db is: its relations load, and their writes (Tags.Add,
// Posts.Create) go, through db.
func Insert[T any](ctx context.Context, db *DB, obj *T, opts ...InsertOption) error {
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
	up, err := resolveConflict(m, opts)
	if err == nil {
		err = checkInsert(m, base)
	}
	if err == nil {
		err = beforeHook(ctx, hookInsert, obj)
	}
	if err != nil {
		return fmt.Errorf("orm: insert %s: %w", m.Name, err)
	}
	saved := *obj
	if err := insertOne(ctx, db, m, base, up); err != nil {
		*obj = saved // a failed Scan may have filled fields, a stamp set them
		return fmt.Errorf("orm: insert %s: %w", m.Name, err)
	}
	if len(m.Relations) > 0 && load.Written != nil {
		// Bound like a row read through db: its relations load and write
		// through db (post.Tags.Add after Insert), in its transaction.
		load.Written(ctx, db, m, base)
	}
	if err := afterHook(ctx, hookInsert, obj); err != nil {
		return fmt.Errorf("orm: insert %s: %w", m.Name, err)
	}
	return nil
}

func insertOne(ctx context.Context, db *DB, m *schema.Model, base unsafe.Pointer, up *upsert) error {
	stampInsert(m, base, now())
	var cols, returning []*schema.Field
	for _, f := range m.Columns {
		if serverFilled(f, base) {
			returning = append(returning, f)
		} else {
			cols = append(cols, f)
		}
	}
	if len(cols) == 0 {
		// INSERT ... DEFAULT VALUES, written as one column's DEFAULT: the
		// same row, in the skeleton every insert has.
		cols = returning[:1]
	}
	b := insertInto(m, cols)
	vals, err := rowValues(m, cols, base)
	if err != nil {
		return err
	}
	b = b.Values(vals...)
	if up != nil {
		return upsertOne(ctx, db, b, m, base, up, returning)
	}
	return runInsert(ctx, db, b, returning, []unsafe.Pointer{base})
}

// insertInto starts INSERT INTO m's table (cols): add rows (rowValues), an
// ON CONFLICT clause if any (Suffix), then run it with runInsert, which adds
// RETURNING.
func insertInto(m *schema.Model, cols []*schema.Field) sq.InsertBuilder {
	names := make([]string, len(cols))
	for i, f := range cols {
		names[i] = f.Column
	}
	return sqlgen.Insert(m.Table, names)
}

// rowValues is one VALUES row: each column's value in the struct at base,
// as sent (arg), or DEFAULT where the database fills it.
func rowValues(m *schema.Model, cols []*schema.Field, base unsafe.Pointer) ([]any, error) {
	vals := make([]any, len(cols))
	for i, f := range cols {
		if serverFilled(f, base) {
			vals[i] = sqlgen.Default
			continue
		}
		v, err := arg(m, f, base)
		if err != nil {
			return nil, err
		}
		vals[i] = v
	}
	return vals, nil
}

// arg is the field's value in the struct at base as a statement argument,
// encoded as pgx encodes it when the server describes the column, in every
// exec mode: a 16-byte array for a uuid column goes as pgtype.UUID, a value
// for a json column as its JSON text.
func arg(m *schema.Model, f *schema.Field, base unsafe.Pointer) (any, error) {
	v := f.Value(base)
	if err := sqlgen.CheckValue(v); err != nil {
		return nil, &FieldError{Model: m.Name, Field: f.Name, Value: v, Msg: err.Error()}
	}
	switch f.Kind {
	case schema.KindUUID:
		v = pgvalue.UUID(v)
	case schema.KindJSON:
		j, err := pgvalue.JSON(v)
		if err != nil {
			return nil, &FieldError{Model: m.Name, Field: f.Name, Value: v, Msg: err.Error()}
		}
		v = j
	}
	return v, nil
}

// runInsert runs an INSERT of len(objs) rows, in order, reading the fields
// of returning (if any) back from RETURNING into each object. A failed
// Scan zeroes what it filled of an object: those fields were zero (that is
// why the database was asked for them).
func runInsert(ctx context.Context, db *DB, b sq.InsertBuilder, returning []*schema.Field, objs []unsafe.Pointer) error {
	if len(returning) == 0 {
		sql, args, err := b.ToSql()
		if err != nil {
			return err
		}
		_, err = db.Exec(ctx, sql, args...)
		return err
	}
	cols := make([]string, len(returning))
	for i, f := range returning {
		cols[i] = sqlgen.Ident(f.Column)
	}
	sql, args, err := b.Suffix(sqlgen.D.Returning(cols)).ToSql()
	if err != nil {
		return err
	}
	rows, err := db.Query(ctx, sql, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	dest := make([]any, len(returning))
	i := 0
	for rows.Next() {
		if i >= len(objs) {
			return fmt.Errorf("RETURNING gave more rows than were inserted")
		}
		for j, f := range returning {
			dest[j] = f.Addr(objs[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		i++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if i < len(objs) {
		return fmt.Errorf("RETURNING gave %d rows for %d inserted", i, len(objs))
	}
	return nil
}

// serverFilled reports whether the database supplies the column's value for
// this row: its field is zero and it has an identity or a default.
func serverFilled(f *schema.Field, base unsafe.Pointer) bool {
	return (f.Auto || f.HasDefault) && f.IsZero(base)
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
	if m.PK != nil && m.PK.IsZero(base) && m.PK.Auto {
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
	if err == nil {
		err = beforeHook(ctx, hookUpdate, obj)
	}
	if err != nil {
		return fmt.Errorf("orm: update %s: %w", m.Name, err)
	}
	saved := *obj
	if err := updateOne(ctx, db, m, base, targets); err != nil {
		*obj = saved // the auto_now fields get their old time back
		return err
	}
	if err := afterHook(ctx, hookUpdate, obj); err != nil {
		return fmt.Errorf("orm: update %s: %w", m.Name, err)
	}
	return nil
}

func updateOne(ctx context.Context, db *DB, m *schema.Model, base unsafe.Pointer, targets []*schema.Field) error {
	stampUpdate(m, base, now())
	b := sqlgen.Update(m.Table)
	for _, f := range targets {
		v, err := arg(m, f, base)
		if err != nil {
			return fmt.Errorf("orm: update %s: %w", m.Name, err)
		}
		b = b.Set(sqlgen.Ident(f.Column), v)
	}
	where, err := keyWhere(m, base)
	if err != nil {
		return fmt.Errorf("orm: update %s: %w", m.Name, err)
	}
	for _, w := range where {
		b = b.Where(w)
	}
	sql, args, err := b.ToSql()
	if err != nil {
		return fmt.Errorf("orm: update %s: %w", m.Name, err)
	}
	tag, err := db.Exec(ctx, sql, args...)
	if err != nil {
		return fmt.Errorf("orm: update %s: %w", m.Name, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("orm: update %s with %s: %w", m.Name, keyDesc(m, base), ErrNoRows)
	}
	return nil
}

func updateFields(m *schema.Model, names []string) ([]*schema.Field, error) {
	if len(names) == 0 {
		var all []*schema.Field
		for _, f := range m.Columns {
			if !f.PK && !f.KeyPart {
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
		if f.PK || f.KeyPart {
			return nil, &FieldError{Model: m.Name, Field: name, Msg: "the primary key identifies the row and cannot be updated here"}
		}
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	// An auto_now field records the last write, whichever fields it named.
	for _, f := range autoNowFields(m) {
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
	base := unsafe.Pointer(obj)
	where, err := keyWhere(m, base)
	if err == nil {
		err = beforeHook(ctx, hookDelete, obj)
	}
	if err != nil {
		return fmt.Errorf("orm: delete %s: %w", m.Name, err)
	}
	del := sqlgen.Delete(m.Table)
	for _, w := range where {
		del = del.Where(w)
	}
	sql, args, err := del.ToSql()
	if err != nil {
		return fmt.Errorf("orm: delete %s: %w", m.Name, err)
	}
	tag, err := db.Exec(ctx, sql, args...)
	if err != nil {
		return fmt.Errorf("orm: delete %s: %w", m.Name, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("orm: delete %s with %s: %w", m.Name, keyDesc(m, base), ErrNoRows)
	}
	if err := afterHook(ctx, hookDelete, obj); err != nil {
		return fmt.Errorf("orm: delete %s: %w", m.Name, err)
	}
	return nil
}

// keyWhere is the conditions finding the row of obj (at base) by its
// primary key: one per field of a composite one, each a Where of its own
// (squirrel joins them with AND).
func keyWhere(m *schema.Model, base unsafe.Pointer) ([]sq.Sqlizer, error) {
	where := make([]sq.Sqlizer, len(m.Key))
	for i, f := range m.Key {
		v, err := arg(m, f, base)
		if err != nil {
			return nil, err
		}
		where[i] = sqlgen.Equals(f.Column, v)
	}
	return where, nil
}

// keyDesc names the key of obj (at base) for an error: "id = 7", or
// "order = 1, tag = 2".
func keyDesc(m *schema.Model, base unsafe.Pointer) string {
	parts := make([]string, len(m.Key))
	for i, f := range m.Key {
		parts[i] = fmt.Sprintf("%s = %v", f.Name, f.Value(base))
	}
	return strings.Join(parts, ", ")
}
