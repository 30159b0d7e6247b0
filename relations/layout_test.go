package relations

import (
	"testing"
	"unsafe"
)

type layoutA struct{ X, Y int64 }
type layoutB struct {
	S string
	B []byte
}

// The loaders write through toOneRaw and toManyRaw: their layout must be
// that of toOne[T] and toMany[T] for every T, and state must open every
// relation field type.
func TestRawLayouts(t *testing.T) {
	check := func(name string, got, want uintptr) {
		t.Helper()
		if got != want {
			t.Errorf("%s: %d, want %d", name, got, want)
		}
	}
	for _, c := range []struct {
		name           string
		size, key, obj uintptr
	}{
		{"toOne[layoutA]", unsafe.Sizeof(toOne[layoutA]{}), unsafe.Offsetof(toOne[layoutA]{}.key), unsafe.Offsetof(toOne[layoutA]{}.obj)},
		{"toOne[layoutB]", unsafe.Sizeof(toOne[layoutB]{}), unsafe.Offsetof(toOne[layoutB]{}.key), unsafe.Offsetof(toOne[layoutB]{}.obj)},
		{"toOne[int8]", unsafe.Sizeof(toOne[int8]{}), unsafe.Offsetof(toOne[int8]{}.key), unsafe.Offsetof(toOne[int8]{}.obj)},
	} {
		check(c.name+" size", c.size, unsafe.Sizeof(toOneRaw{}))
		check(c.name+" key", c.key, unsafe.Offsetof(toOneRaw{}.key))
		check(c.name+" obj", c.obj, unsafe.Offsetof(toOneRaw{}.obj))
	}
	check("toMany size", unsafe.Sizeof(toMany[layoutB]{}), unsafe.Sizeof(toManyRaw{}))
	check("toMany items", unsafe.Offsetof(toMany[layoutB]{}.items), unsafe.Offsetof(toManyRaw{}.items))
	check("ForeignKey.state", unsafe.Offsetof(ForeignKey[layoutA]{}.toOne), 0)
	check("OneToOne.state", unsafe.Offsetof(OneToOne[layoutA]{}.toOne), 0)
	check("Many.state", unsafe.Offsetof(Many[layoutA]{}.toMany), 0)
	check("ManyToMany.state", unsafe.Offsetof(ManyToMany[layoutA]{}.toMany), 0)
	check("toOne.state", unsafe.Offsetof(toOne[layoutA]{}.state), 0)
	check("toMany.state", unsafe.Offsetof(toMany[layoutA]{}.state), 0)
}

// A to-one field is 40 bytes: a row with a foreign key stays in the size
// class a hand-written struct with an id and a pointer would be near.
func TestToOneSize(t *testing.T) {
	if got := unsafe.Sizeof(ForeignKey[layoutA]{}); got != 40 {
		t.Fatalf("ForeignKey is %d bytes, want 40", got)
	}
}
