package relations

import (
	"context"
	"reflect"
	"unsafe"

	"github.com/eagerorm/eager/internal/load"
	"github.com/eagerorm/eager/internal/relfield"
	"github.com/eagerorm/eager/internal/schema"
)

// ForeignKey is a many-to-one relation: its column (db tag, default
// <field>_id) holds the primary key of a T. Nullable with orm:"null".
type ForeignKey[T any] struct {
	_ relfield.ForeignKey // what model metadata recognises it by
	toOne[T]
}

// OneToOne is a one-to-one relation. With a column (the default) it holds
// T's key, unique; declared with orm:"reverse:Field" it is the reverse side of
// T's OneToOne and has no column.
type OneToOne[T any] struct {
	_ relfield.OneToOne // what model metadata recognises it by
	toOne[T]
}

// toOne is the state shared by the to-one relation fields: the key (for the
// side that has a column) and the related row once loaded. Its layout must
// stay relfield.ToOne's (layout_test.go checks it).
type toOne[T any] struct {
	state relfield.State
	key   relfield.Key
	obj   *T
}

// ID returns the key the column holds, as the Go type of T's primary key,
// without a query; nil when the column is NULL (and for a reverse OneToOne,
// which has no column).
func (r *toOne[T]) ID() any { return keyAs[T](&r.key) }

// Valid reports whether the key column holds a key (is not NULL).
func (r *toOne[T]) Valid() bool { return r.key.Valid() }

// Loaded reports whether the related row is loaded: by SelectRelated,
// PrefetchRelated, an earlier Get, or Set. A NULL key counts once accessed.
func (r *toOne[T]) Loaded() bool { return r.state.Loaded() }

// Set points the relation at obj (nil for NULL) and counts obj as loaded.
// On the side with the column (ForeignKey, OneToOne) Insert and Update
// write obj's primary key, read when they run: obj may be inserted after
// Set, but not never (a write pointing at an unsaved row is an error,
// orm.ErrUnsavedRelated). On a reverse OneToOne, which has no column, Set
// only fills the loaded row in memory, and Insert and Update return an
// error (orm.ErrRelationNotWritten) rather than drop it.
func (r *toOne[T]) Set(obj *T) {
	r.obj, r.state.InGo = obj, true
	if obj == nil {
		r.key = relfield.Key{}
	} else if m, err := schema.For[T](); err != nil || m.PK == nil {
		r.key = relfield.Key{} // no model, or a composite key no column can hold
	} else {
		r.key.Set(schema.DBKey(m.PK.Kind, m.PK.Value(unsafe.Pointer(obj))))
	}
	r.state.MarkLoaded()
}

// SetID sets the key without loading the row (nil for NULL).
func (r *toOne[T]) SetID(id any) {
	if m, err := schema.For[T](); err == nil && m.PK != nil {
		id = schema.DBKey(m.PK.Kind, id)
	}
	r.key.Set(id)
	r.obj, r.state.InGo = nil, false
	r.state.MarkUnloaded()
}

// Get returns the related row. A loaded one (SelectRelated,
// PrefetchRelated) costs nothing; a NULL key gives nil without a query;
// otherwise the row's load mode decides: one query (Lazy), a panic with
// *orm.LazyLoadError (Strict on a row from a multi-row result, StrictAll),
// or one query for the whole result set (FetchPeers). A key whose row does
// not exist (a dangling foreign key) is a *MissingRowError, never nil.
func (r *ForeignKey[T]) Get(ctx context.Context) (*T, error) { return r.get(ctx, true) }

// Get returns the related row, as ForeignKey.Get does. For the reverse side
// (no column), a row without a counterpart gives nil.
func (r *OneToOne[T]) Get(ctx context.Context) (*T, error) { return r.get(ctx, false) }

func (r *toOne[T]) get(ctx context.Context, foreignKey bool) (*T, error) {
	b := load.BindingOf(&r.state)
	if r.state.Loaded() {
		b.MarkUsed()
		return r.value()
	}
	hasColumn := foreignKey || (b != nil && b.Field().IsKey())
	if hasColumn && !r.key.Valid() {
		r.state.MarkLoaded() // NULL: nothing to load, and no query to run
		return nil, nil
	}
	if b == nil {
		return nil, errNotBound(reflect.TypeFor[T]().Name())
	}
	row := unsafe.Add(unsafe.Pointer(r), -int(b.Field().Offset))
	if err := b.Access(ctx, row); err != nil {
		return nil, err
	}
	if !r.state.Loaded() {
		return nil, b.NotFilled()
	}
	return r.value()
}

// value is the loaded row; nil with a key that is not NULL means the key's
// row was not found.
func (r *toOne[T]) value() (*T, error) {
	if r.obj == nil && r.key.Valid() {
		return nil, r.missing()
	}
	return r.obj, nil
}

func (r *toOne[T]) missing() error {
	e := &MissingRowError{Target: reflect.TypeFor[T]().Name(), Key: keyAs[T](&r.key)}
	if b := load.BindingOf(&r.state); b != nil {
		e.Model, e.Field = b.Field().Model.Name, b.Field().Name
		e.Target = b.Field().Rel.Target.Name
	}
	return e
}
