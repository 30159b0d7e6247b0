package relations

import (
	"context"
	"reflect"
	"unsafe"

	"github.com/eagerorm/eager/internal/load"
	"github.com/eagerorm/eager/internal/relfield"
)

// Many is the reverse side of T's ForeignKey to this model (has-many),
// declared with orm:"reverse:Field" naming that ForeignKey field on T (which
// may be left out when T has only one ForeignKey to this model).
type Many[T any] struct {
	_ relfield.Many // what model metadata recognises it by
	toMany[T]
}

// ManyToMany links rows through a join table: orm:"through:table" (default
// <table>_<field>), with the key columns named by from: (this model's, default
// <table>_id) and to: (T's, default <T's table>_id).
type ManyToMany[T any] struct {
	_ relfield.ManyToMany // what model metadata recognises it by
	toMany[T]
}

// toMany is the state shared by the to-many relation fields. Its layout
// must stay relfield.ToMany's (layout_test.go checks it).
type toMany[T any] struct {
	state relfield.State
	items []*T
}

// Loaded reports whether the list is loaded (an empty list counts).
func (r *toMany[T]) Loaded() bool { return r.state.Loaded() }

// SetLoaded marks the relation as loaded with items (nil or empty: loaded
// and empty), in memory only: it sends nothing and writes no link. All then
// returns items without a query. orm.Insert and orm.Update do not write
// relation rows either, so they return an error (orm.ErrRelationNotWritten)
// rather than drop items a setter put here.
func (r *toMany[T]) SetLoaded(items []*T) {
	r.items, r.state.InGo = items, true
	r.state.MarkLoaded()
}

// All returns the related rows. Loaded ones (PrefetchRelated) cost nothing;
// otherwise the row's load mode decides: one query (Lazy), a panic with
// *orm.LazyLoadError (Strict on a row from a multi-row result, StrictAll),
// or one query for the whole result set (FetchPeers). Loaded and empty is
// an empty slice, never an error.
func (r *toMany[T]) All(ctx context.Context) ([]*T, error) {
	b := load.BindingOf(&r.state)
	if r.state.Loaded() {
		b.MarkUsed()
		return r.items, nil
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
	return r.items, nil
}
