package relations

import (
	"github.com/eagerorm/eager/internal/schema"
	"reflect"
	"unsafe"
)

// What the single-object writes of package orm ask a relation field: the
// rows it holds in memory, and the key of the row a to-one points at.

// Held implements orm.HeldRelation.
func (r *toMany[T]) Held() (rows int, set bool) { return len(r.items), r.inGo }

// Held implements orm.HeldRelation.
func (r *toOne[T]) Held() (rows int, set bool) {
	if r.obj != nil {
		return 1, r.inGo
	}
	return 0, r.inGo
}

// syncKey takes the key from the row the relation holds, when they differ
// (the row was inserted, or its key set, after Set).
func (r *toOne[T]) syncKey() {
	m, err := schema.For[T]()
	if err != nil {
		return
	}
	var k key
	k.set(dbKey(m.PK.Kind, m.PK.Value(unsafe.Pointer(r.obj))))
	if !k.same(&r.key) {
		r.key = k
	}
}

// same reports whether two keys hold the same value.
func (k *key) same(o *key) bool {
	switch {
	case k.tag == nil || o.tag == nil:
		return k.tag == o.tag
	case k.tag == intTag || o.tag == intTag:
		return k.tag == o.tag && k.i == o.i
	}
	a, b := k.other(), o.other()
	if reflect.TypeOf(a) != reflect.TypeOf(b) || !reflect.TypeOf(a).Comparable() {
		return false
	}
	return a == b
}
