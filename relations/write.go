package relations

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"unsafe"

	"github.com/Masterminds/squirrel"
	"github.com/eagerorm/eager/internal/anyslice"
	"github.com/eagerorm/eager/internal/load"
	"github.com/eagerorm/eager/internal/relfield"
	"github.com/eagerorm/eager/internal/schema"
	"github.com/eagerorm/eager/internal/sqlgen"
	"github.com/eagerorm/eager/orm"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// The relation writes (Add, Remove, Clear, Set, Create) send their
// statements through the DB the row is bound to: the one that read it (a
// QuerySet) or wrote it (orm.Insert). A row read inside RunInTx writes in
// that transaction, so the writes commit or roll back with it; hooks and
// captures of that DB see them.

// writer is what one relation write needs: the relation, the DB of the
// row that holds it and that row's key.
type writer struct {
	op   string // "Add", "Remove", ..., for messages
	db   *orm.DB
	f    *schema.Field // the relation field on the parent model
	rel  *schema.Relation
	row  unsafe.Pointer // the parent row
	pkey relfield.Key   // the parent's key, where the link starts
	key  any            // pkey as a statement argument
	name string         // "Author.books", for messages
}

// newWriter resolves the write of op on the relation whose state is s and
// whose target is T. A row not read through a DB (or written by
// orm.Insert) has no DB to write with; an unsaved one has no key to link.
func newWriter[T any](op, kind string, s *relfield.State, self unsafe.Pointer) (*writer, error) {
	b := load.BindingOf(s)
	if b == nil {
		return nil, fmt.Errorf("relations: %s[%s].%s: the row holding the relation was not read through a DB or written by orm.Insert, so there is no DB to write with (read the row with a QuerySet, or insert it with orm.Insert first)",
			kind, reflect.TypeFor[T]().Name(), op)
	}
	f := b.Field()
	db, _ := b.DB().(*orm.DB) // the engine holds the DB as any: it may not import orm
	w := &writer{op: op, db: db, f: f, rel: f.Rel, name: f.String()}
	w.row = unsafe.Add(self, -int(f.Offset))
	from := f.Rel.From
	if unsaved(from, w.row) {
		return nil, fmt.Errorf("relations: %s.%s: the %s is not saved (its %s is zero): insert it first: %w",
			w.name, op, f.Model.Name, from.Name, orm.ErrUnsavedRelated)
	}
	w.pkey = rowKey(from, w.row)
	w.key = w.pkey.Arg()
	return w, nil
}

// unsaved reports whether the key field pk of the row at row still holds
// the zero value the database replaces when the row is inserted.
func unsaved(pk *schema.Field, row unsafe.Pointer) bool {
	return (pk.Auto || pk.HasDefault) && pk.IsZero(row)
}

// rowKey is the primary key pk of the row at row in the form a key column
// holds it (as ForeignKey.Set stores it): what the key scanners read, a
// Valuer key as what it stores.
func rowKey(pk *schema.Field, row unsafe.Pointer) relfield.Key {
	var k relfield.Key
	k.Set(schema.DBKey(pk.Kind, pk.Value(row)))
	return k
}

// keyArg is rowKey as a statement argument (a uuid as pgtype.UUID).
func keyArg(pk *schema.Field, row unsafe.Pointer) any {
	k := rowKey(pk, row)
	return k.Arg()
}

// relatedKeys returns the primary keys of objs (rows of the relation's
// target) as one array argument, without duplicates, in the order given.
// A nil object or an unsaved one (its generated key still zero) is an
// error naming it: linking it would link the zero key.
func (w *writer) relatedKeys(objs []unsafe.Pointer) (any, int, error) {
	target := w.rel.Target
	pk := target.PK
	keys := make([]any, 0, len(objs))
	seen := make(map[any]struct{}, len(objs))
	for i, obj := range objs {
		if obj == nil {
			return nil, 0, fmt.Errorf("relations: %s.%s: argument %d is a nil *%s", w.name, w.op, i+1, target.Name)
		}
		if unsaved(pk, obj) {
			return nil, 0, fmt.Errorf("relations: %s.%s: argument %d, a %s, is not saved (its %s is zero): insert it first: %w",
				w.name, w.op, i+1, target.Name, pk.Name, orm.ErrUnsavedRelated)
		}
		k := keyArg(pk, obj)
		if reflect.TypeOf(k).Comparable() {
			if _, dup := seen[k]; dup {
				continue
			}
			seen[k] = struct{}{}
		}
		keys = append(keys, k)
	}
	return typedArray(keys), len(keys), nil
}

// typedArray makes keys one array parameter pgx encodes as a PostgreSQL
// array of the key's type.
func typedArray(keys []any) any {
	if len(keys) == 0 {
		return []int64{}
	}
	switch keys[0].(type) {
	case int64:
		return anyslice.Typed[int64](keys)
	case string:
		return anyslice.Typed[string](keys)
	case pgtype.UUID:
		return anyslice.Typed[pgtype.UUID](keys)
	}
	return keys
}

// exec sends one statement, built with squirrel's ? placeholders, through
// the row's DB. An error says which write
// failed; a transaction that ended before the write (the row was read in
// it) is named as such.
func (w *writer) exec(ctx context.Context, b squirrel.Sqlizer) (int64, error) {
	sql, args, err := b.ToSql()
	if err == nil {
		// One numbering pass over the whole statement, parts included.
		sql, err = sqlgen.D.Placeholders().ReplacePlaceholders(sql)
	}
	if err != nil {
		return 0, fmt.Errorf("relations: %s.%s: %w", w.name, w.op, err)
	}
	tag, err := w.db.Exec(ctx, sql, args...)
	if err != nil {
		return 0, w.fail(err)
	}
	return tag.RowsAffected(), nil
}

// fail says which write failed; a transaction that ended before the write
// (the row was read or inserted in it) is named as such.
func (w *writer) fail(err error) error {
	if errors.Is(err, pgx.ErrTxClosed) {
		return fmt.Errorf("relations: %s.%s: the row was read or inserted in a transaction that has ended, and writes through it: read the row again outside it, or write inside the transaction: %w",
			w.name, w.op, err)
	}
	return fmt.Errorf("relations: %s.%s: %w", w.name, w.op, err)
}

// unload marks the loaded list of a to-many relation not loaded after a
// write changed what it holds, as Django clears its prefetch cache: the
// next All reads the rows again (under the row's load mode). Only the
// atomic flag is written, so writes and reads of one row from several
// goroutines do not race; the stale list is replaced by the next load.
func unload(r *relfield.ToMany) {
	if r.State.InGo {
		r.State.InGo = false // a setter's list: Insert and Update no longer guard it
	}
	r.State.MarkUnloaded()
}

// ptrs erases the type of objs.
func ptrs[T any](objs []*T) []unsafe.Pointer {
	out := make([]unsafe.Pointer, len(objs))
	for i, o := range objs {
		out[i] = unsafe.Pointer(o)
	}
	return out
}
