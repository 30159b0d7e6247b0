package relations

import (
	"context"
	"fmt"
	"reflect"

	"github.com/eagerorm/eager/orm"
)

// Many is the reverse side of T's ForeignKey to this model (has-many),
// declared with orm:"reverse:Field" naming that ForeignKey field on T (which
// may be left out when T has only one ForeignKey to this model).
type Many[T any] struct {
	toMany[T]
}

// RelationKind implements orm.RelationField.
func (Many[T]) RelationKind() orm.RelationKind { return orm.Many }

// RelationTarget implements orm.RelationField.
func (Many[T]) RelationTarget() reflect.Type { return reflect.TypeFor[T]() }

// ManyToMany links rows through a join table: orm:"through:table" (default
// <table>_<field>), with the key columns named by from: (this model's, default
// <table>_id) and to: (T's, default <T's table>_id).
type ManyToMany[T any] struct {
	toMany[T]
}

// RelationKind implements orm.RelationField.
func (ManyToMany[T]) RelationKind() orm.RelationKind { return orm.ManyToMany }

// RelationTarget implements orm.RelationField.
func (ManyToMany[T]) RelationTarget() reflect.Type { return reflect.TypeFor[T]() }

// toMany is the state shared by the to-many relation fields.
type toMany[T any] struct {
	items  []*T
	loaded bool
}

// Loaded reports whether the list has been loaded (an empty list counts).
func (r *toMany[T]) Loaded() bool { return r.loaded }

// Set stores a loaded list (nil or empty means loaded and empty).
func (r *toMany[T]) Set(items []*T) { r.items, r.loaded = items, true }

// All returns the related rows, loaded by PrefetchRelated.
func (r *toMany[T]) All(ctx context.Context) ([]*T, error) {
	if r.loaded {
		return r.items, nil
	}
	return nil, fmt.Errorf("relations: %s not loaded", reflect.TypeFor[T]().Name())
}
