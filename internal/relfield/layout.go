package relfield

import (
	"reflect"
	"sync/atomic"
	"unsafe"
)

// The markers: the zero-size first field of each relation field type.
type (
	ForeignKey struct{}
	OneToOne   struct{}
	Many       struct{}
	ManyToMany struct{}
)

var markers = map[reflect.Type]bool{
	reflect.TypeFor[ForeignKey](): true,
	reflect.TypeFor[OneToOne]():   true,
	reflect.TypeFor[Many]():       true,
	reflect.TypeFor[ManyToMany](): true,
}

// Marker returns the marker type of relation field type t: the type of its
// first field, when that is one of the markers at offset 0; nil otherwise.
func Marker(t reflect.Type) reflect.Type {
	if t.Kind() != reflect.Struct || t.NumField() == 0 {
		return nil
	}
	f := t.Field(0)
	if !markers[f.Type] || f.Offset != 0 {
		return nil
	}
	return f.Type
}

// Target returns the type of the rows relation field type t holds: T for
// the field of type *T (to-one) or []*T (to-many) that keeps them, found in
// t or in a struct embedded in it. Nothing else in the layout is a Go
// pointer or slice of them (the state and the key hold unsafe.Pointers).
func Target(t reflect.Type) reflect.Type {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		switch ft := f.Type; {
		case ft.Kind() == reflect.Pointer:
			return ft.Elem()
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Pointer:
			return ft.Elem().Elem()
		case f.Anonymous && ft.Kind() == reflect.Struct:
			if target := Target(ft); target != nil {
				return target
			}
		}
	}
	return nil
}

// State opens every relation field (after the zero-size marker), so that
// code knowing only the metadata, not T, can bind rows to their result set
// and fill what it loads.
//
// Rows of one result set may be read from many goroutines (a fan-out
// handler), while a load fills them: loaded is read and written atomically,
// and a loader writes the value before it sets loaded, so a reader that sees
// loaded also sees the value. It is a plain uint32, not an atomic.Bool,
// because atomic.Bool must not be copied and users copy rows.
type State struct {
	// Binding ties the field to the result set its row was read in (the
	// loader's binding of this relation), nil for a row not read through a
	// DB. It is kept untyped: the loader that defines it sits above this
	// package.
	Binding unsafe.Pointer
	loaded  uint32
	// InGo marks a value a setter put there (Set, SetLoaded) rather than a
	// load: Insert and Update refuse to drop what it holds.
	InGo bool
}

// Loaded reports whether the field's value is loaded.
func (s *State) Loaded() bool { return atomic.LoadUint32(&s.loaded) != 0 }

// MarkLoaded publishes the value written just before it.
func (s *State) MarkLoaded() { atomic.StoreUint32(&s.loaded, 1) }

// MarkUnloaded forgets the value.
func (s *State) MarkUnloaded() { atomic.StoreUint32(&s.loaded, 0) }

// ToOne is the layout of a to-one relation field with T erased: the key its
// column holds (unused on the side without a column) and the related row.
type ToOne struct {
	State State
	Key   Key
	Obj   unsafe.Pointer
}

// ToMany is the layout of a to-many relation field with T erased.
type ToMany struct {
	State State
	Items []unsafe.Pointer
}

// StateAt, ToOneAt and ToManyAt view the relation field at p.
func StateAt(p unsafe.Pointer) *State   { return (*State)(p) }
func ToOneAt(p unsafe.Pointer) *ToOne   { return (*ToOne)(p) }
func ToManyAt(p unsafe.Pointer) *ToMany { return (*ToMany)(p) }

// Held reports how many related rows the relation field at p holds in
// memory (a to-one field holds one or none) and whether a setter put them
// there rather than a load.
func Held(p unsafe.Pointer, many bool) (rows int, set bool) {
	if many {
		r := ToManyAt(p)
		return len(r.Items), r.State.InGo
	}
	r := ToOneAt(p)
	if r.Obj != nil {
		return 1, r.State.InGo
	}
	return 0, r.State.InGo
}
