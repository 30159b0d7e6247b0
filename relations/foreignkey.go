package relations

import (
	"context"
	"fmt"
	"reflect"
	"unsafe"

	"github.com/eagerorm/eager/orm"
)

// ForeignKey is a many-to-one relation: its column (db tag, default
// <field>_id) holds the primary key of a T. Nullable with orm:"null".
type ForeignKey[T any] struct {
	toOne[T]
}

// RelationKind implements orm.RelationField.
func (ForeignKey[T]) RelationKind() orm.RelationKind { return orm.ForeignKey }

// RelationTarget implements orm.RelationField.
func (ForeignKey[T]) RelationTarget() reflect.Type { return reflect.TypeFor[T]() }

// OneToOne is a one-to-one relation. With a column (the default) it holds
// T's key, unique; declared with orm:"reverse:Field" it is the reverse side of
// T's OneToOne and has no column.
type OneToOne[T any] struct {
	toOne[T]
}

// RelationKind implements orm.RelationField.
func (OneToOne[T]) RelationKind() orm.RelationKind { return orm.OneToOne }

// RelationTarget implements orm.RelationField.
func (OneToOne[T]) RelationTarget() reflect.Type { return reflect.TypeFor[T]() }

// toOne is the state shared by the to-one relation fields: the key (for the
// side that has a column) and the related row once loaded.
type toOne[T any] struct {
	key
	obj    *T
	loaded bool
}

// ID returns the key the column holds, as the Go type of T's primary key,
// without a query; nil when the column is NULL.
func (r *toOne[T]) ID() any { return keyAs[T](&r.key) }

// Valid reports whether the key column holds a key (is not NULL).
func (r *toOne[T]) Valid() bool { return r.key.valid }

// Loaded reports whether the related row has been loaded (or is known to be
// absent: a loaded NULL key).
func (r *toOne[T]) Loaded() bool { return r.loaded }

// Set points the relation at obj (nil for NULL): the key is taken from obj's
// primary key and obj counts as loaded. Use it before Insert or Update.
func (r *toOne[T]) Set(obj *T) {
	r.obj, r.loaded = obj, true
	if obj == nil {
		r.key = key{}
		return
	}
	m, err := orm.ModelFor[T]()
	if err != nil {
		r.key = key{}
		return
	}
	r.key.set(m.PK.Value(unsafe.Pointer(obj)))
}

// SetID sets the key without loading the row (nil for NULL).
func (r *toOne[T]) SetID(id any) {
	r.key.set(id)
	r.obj, r.loaded = nil, false
}

// KeyValue implements orm.KeyField.
func (r *toOne[T]) KeyValue() any { return r.key.arg() }

// SetKeyValue implements orm.KeyField.
func (r *toOne[T]) SetKeyValue(v any) { r.SetID(v) }

// Get returns the related row: nil for a NULL key, the loaded row when
// SelectRelated or PrefetchRelated filled it.
func (r *toOne[T]) Get(ctx context.Context) (*T, error) {
	if r.loaded {
		return r.obj, nil
	}
	if !r.key.valid {
		return nil, nil
	}
	return nil, fmt.Errorf("relations: %s not loaded", reflect.TypeFor[T]().Name())
}
