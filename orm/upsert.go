package orm

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"
	"unsafe"

	sq "github.com/Masterminds/squirrel"
	"github.com/eagerorm/eager/internal/relfield"
	"github.com/eagerorm/eager/internal/schema"
	"github.com/eagerorm/eager/internal/sqlgen"
	"github.com/jackc/pgx/v5"
)

// ErrNotInserted: Insert or BulkInsert with OnConflict(...).DoNothing() met
// an existing row and wrote nothing for that object. The object keeps the
// values it had (its key stays zero when the database generates it); for
// BulkInsert, errors.As gives the *NotInsertedError listing which objects
// were skipped (the others were inserted and are filled in).
var ErrNotInserted = errors.New("orm: row not inserted (ON CONFLICT DO NOTHING)")

// NotInsertedError lists the objects of a BulkInsert that DO NOTHING
// skipped, by their index in the slice passed. It matches ErrNotInserted.
// The rows of the other objects were written: this error reports, it does
// not undo.
type NotInsertedError struct {
	Model   string
	Indexes []int // indexes into objs, ascending
	Total   int   // len(objs)
}

func (e *NotInsertedError) Error() string {
	return fmt.Sprintf("orm: bulk insert %s: %d of %d objects conflicted with existing rows and were not inserted (indexes %v): %v",
		e.Model, len(e.Indexes), e.Total, e.Indexes, ErrNotInserted)
}

// Is makes errors.Is(err, ErrNotInserted) hold.
func (e *NotInsertedError) Is(target error) bool { return target == ErrNotInserted }

// InsertOption changes what Insert and BulkInsert send. OnConflict and
// OnConstraint make one.
type InsertOption interface{ insertOption() }

// Conflict is an ON CONFLICT clause for Insert and BulkInsert: a target
// (OnConflict's fields or OnConstraint's name) and an action (DoNothing or
// DoUpdate). Without an action it is an error when used.
type Conflict struct {
	fields     []string
	constraint string
	byName     bool // OnConstraint
	action     conflictAction
	update     []string
}

type conflictAction int

const (
	noAction conflictAction = iota
	doNothing
	doUpdate
)

// OnConflict targets the unique index or primary key over exactly the named
// fields (Go or snake_case names): ON CONFLICT ("email"). With no fields it
// targets any unique constraint, which PostgreSQL allows only for
// DoNothing, and which BulkInsert refuses (it needs the fields to tell the
// skipped objects from the inserted ones).
func OnConflict(fields ...string) Conflict {
	return Conflict{fields: append([]string(nil), fields...)}
}

// OnConstraint targets a unique or exclusion constraint by its name:
// ON CONFLICT ON CONSTRAINT "tag_name_key".
func OnConstraint(name string) Conflict { return Conflict{constraint: name, byName: true} }

// DoNothing skips an object whose row conflicts: Insert returns an error
// matching ErrNotInserted, BulkInsert a *NotInsertedError naming the
// skipped objects.
func (c Conflict) DoNothing() Conflict {
	c.action, c.update = doNothing, nil
	return c
}

// DoUpdate overwrites the named fields of the conflicting row with the
// object's values (SET "name" = EXCLUDED."name"); fields marked auto_now are
// set too. Every column of the row as it is after the statement, inserted
// or updated, is read back into the object (RETURNING *), so the object
// holds the stored row: its key, and the old values of the fields not
// named.
func (c Conflict) DoUpdate(fields ...string) Conflict {
	c.action, c.update = doUpdate, append([]string(nil), fields...)
	return c
}

func (Conflict) insertOption() {}

// upsert is a Conflict resolved against a model.
type upsert struct {
	target     []*schema.Field // OnConflict's fields; nil for OnConstraint or "any"
	constraint string
	nothing    bool
	update     []*schema.Field // DoUpdate's fields, then the auto_now ones
}

// resolveConflict finds the one Conflict among opts and checks it against m.
func resolveConflict(m *schema.Model, opts []InsertOption) (*upsert, error) {
	var c *Conflict
	for _, o := range opts {
		switch o := o.(type) {
		case nil:
		case Conflict:
			if c != nil {
				return nil, errors.New("more than one OnConflict/OnConstraint option")
			}
			c = &o
		default:
			return nil, fmt.Errorf("unknown insert option %T", o)
		}
	}
	if c == nil {
		return nil, nil
	}
	u := &upsert{constraint: c.constraint, nothing: c.action == doNothing}
	if c.byName && strings.TrimSpace(c.constraint) == "" {
		return nil, errors.New("OnConstraint: empty constraint name")
	}
	seen := map[*schema.Field]bool{}
	for _, name := range c.fields {
		f, err := conflictField(m, name, "OnConflict")
		if err != nil {
			return nil, err
		}
		if !seen[f] {
			seen[f] = true
			u.target = append(u.target, f)
		}
	}
	switch c.action {
	case noAction:
		return nil, errors.New("OnConflict/OnConstraint without an action: add .DoNothing() or .DoUpdate(fields...)")
	case doUpdate:
		if !c.byName && len(u.target) == 0 {
			return nil, errors.New("DoUpdate needs a conflict target: OnConflict(fields...) with the fields of a unique index, or OnConstraint(name)")
		}
		if len(c.update) == 0 {
			return nil, errors.New("DoUpdate(): name the fields to overwrite")
		}
		seen = map[*schema.Field]bool{}
		for _, name := range c.update {
			f, err := conflictField(m, name, "DoUpdate")
			if err != nil {
				return nil, err
			}
			if f.PK {
				return nil, &FieldError{Model: m.Name, Field: name, Msg: "DoUpdate cannot overwrite the primary key"}
			}
			if !seen[f] {
				seen[f] = true
				u.update = append(u.update, f)
			}
		}
		for _, f := range autoNowFields(m) {
			if !seen[f] {
				seen[f] = true
				u.update = append(u.update, f)
			}
		}
	}
	return u, nil
}

func conflictField(m *schema.Model, name, method string) (*schema.Field, error) {
	f, ok := m.FieldByName(name)
	if !ok {
		return nil, m.UnknownField(name)
	}
	if f.Column == "" {
		return nil, &FieldError{Model: m.Name, Field: name,
			Msg: fmt.Sprintf("%s: a %s relation has no column of this table", method, f.Rel.Kind)}
	}
	return f, nil
}

// clause is the ON CONFLICT clause, in squirrel text.
func (u *upsert) clause() string {
	var target, update []string
	for _, f := range u.target {
		target = append(target, sqlgen.Ident(f.Column))
	}
	for _, f := range u.update {
		update = append(update, sqlgen.Ident(f.Column))
	}
	constraint := ""
	if u.constraint != "" {
		constraint = sqlgen.Ident(u.constraint)
	}
	return sqlgen.D.OnConflict(target, constraint, update)
}

// describeTarget names the conflicting values of obj for an error message:
// `email = "ann@example.com"`.
func (u *upsert) describeTarget(base unsafe.Pointer) string {
	if len(u.target) == 0 {
		if u.constraint != "" {
			return "constraint " + u.constraint
		}
		return "a unique constraint"
	}
	parts := make([]string, len(u.target))
	for i, f := range u.target {
		parts[i] = fmt.Sprintf("%s = %#v", f.Name, f.Value(base))
	}
	return strings.Join(parts, ", ")
}

// upsertOne runs Insert's statement b with the ON CONFLICT clause: DO
// UPDATE reads the whole row back; DO NOTHING reads back what the insert
// needs (returning), and reports a skipped row as ErrNotInserted.
func upsertOne(ctx context.Context, db *DB, b sq.InsertBuilder, m *schema.Model, base unsafe.Pointer, up *upsert, returning []*schema.Field) error {
	b = b.Suffix(up.clause())
	if !up.nothing {
		// The row may be one that was there: read all of it back.
		return runInsert(ctx, db, b, m.Columns, []unsafe.Pointer{base})
	}
	notInserted := fmt.Errorf("%s: %w", up.describeTarget(base), ErrNotInserted)
	if len(returning) == 0 {
		sql, args, err := b.ToSql()
		if err != nil {
			return err
		}
		tag, err := db.Exec(ctx, sql, args...)
		if err == nil && tag.RowsAffected() == 0 {
			err = notInserted
		}
		return err
	}
	sql, args, err := b.Suffix(sqlgen.D.Returning(returningCols(returning))).ToSql()
	if err != nil {
		return err
	}
	dest := make([]any, len(returning))
	for i, f := range returning {
		dest[i] = f.Addr(base)
	}
	err = db.QueryRow(ctx, sql, args...).Scan(dest...)
	if errors.Is(err, pgx.ErrNoRows) {
		return notInserted
	}
	return err
}

func returningCols(fields []*schema.Field) []string {
	cols := make([]string, len(fields))
	for i, f := range fields {
		cols[i] = sqlgen.Ident(f.Column)
	}
	return cols
}

// insertSkipping runs a bulk DO NOTHING insert of chunk (b, with its ON
// CONFLICT clause) and returns the indexes in chunk of the objects skipped.
func insertSkipping[T any](ctx context.Context, db *DB, b sq.InsertBuilder, chunk []*T, returning, target []*schema.Field) ([]int, error) {
	sql, args, err := b.Suffix(sqlgen.D.Returning(returningCols(returning))).ToSql()
	if err != nil {
		return nil, err
	}
	rows, err := db.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return fillSkipping(rows, chunk, returning, target)
}

// fillSkipping reads the rows a DO NOTHING insert returned (only those it
// inserted) and matches each to its object by the conflict target's values:
// the first object not yet matched that has them. The objects left over
// were skipped.
func fillSkipping[T any](rows pgx.Rows, chunk []*T, returning, target []*schema.Field) ([]int, error) {
	byKey := make(map[string][]int, len(chunk))
	for i, o := range chunk {
		k := targetKey(target, unsafe.Pointer(o))
		byKey[k] = append(byKey[k], i)
	}
	filled := make([]bool, len(chunk))
	tmp := new(T)
	dest := make([]any, len(returning))
	for rows.Next() {
		*tmp = *new(T)
		tb := unsafe.Pointer(tmp)
		for j, f := range returning {
			dest[j] = f.Addr(tb)
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		k := targetKey(target, tb)
		idx := byKey[k]
		if len(idx) == 0 {
			return nil, fmt.Errorf("RETURNING gave a row (%s) that matches no object", k)
		}
		i := idx[0]
		byKey[k] = idx[1:]
		filled[i] = true
		for _, f := range returning {
			if !slices.Contains(target, f) {
				copyField(f, unsafe.Pointer(chunk[i]), tb)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var skipped []int
	for i, ok := range filled {
		if !ok {
			skipped = append(skipped, i)
		}
	}
	return skipped, nil
}

// targetKey spells the values of fields in the object at base so that what
// was sent and what RETURNING gave back compare equal: times to the
// microsecond in UTC, keys as their column holds them.
func targetKey(fields []*schema.Field, base unsafe.Pointer) string {
	var sb strings.Builder
	for i, f := range fields {
		if i > 0 {
			sb.WriteString(", ")
		}
		v := f.Value(base)
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer {
			v = nil
			if !rv.IsNil() {
				v = rv.Elem().Interface()
			}
		}
		if t, ok := v.(time.Time); ok {
			v = t.UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano)
		}
		fmt.Fprintf(&sb, "%s = %#v", f.Name, relfield.Normalize(v))
	}
	return sb.String()
}

func copyField(f *schema.Field, dst, src unsafe.Pointer) {
	reflect.NewAt(f.Type, unsafe.Add(dst, f.Offset)).Elem().Set(reflect.NewAt(f.Type, unsafe.Add(src, f.Offset)).Elem())
}
