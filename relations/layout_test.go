package relations

import (
	"reflect"
	"testing"
	"unsafe"

	"github.com/eagerorm/eager/internal/relfield"
)

type layoutA struct{ X, Y int64 }
type layoutB struct {
	S string
	B []byte
}

// The loaders and the writes read and write the relation fields through
// relfield.ToOne and relfield.ToMany: their layout must be that of toOne[T]
// and toMany[T] for every T, and each field type must open with its marker
// and then the state; relfield finds T in it.
func TestRawLayouts(t *testing.T) {
	check := func(name string, got, want uintptr) {
		t.Helper()
		if got != want {
			t.Errorf("%s: %d, want %d", name, got, want)
		}
	}
	for _, c := range []struct {
		name                  string
		size, state, key, obj uintptr
	}{
		{"toOne[layoutA]", unsafe.Sizeof(toOne[layoutA]{}), unsafe.Offsetof(toOne[layoutA]{}.state), unsafe.Offsetof(toOne[layoutA]{}.key), unsafe.Offsetof(toOne[layoutA]{}.obj)},
		{"toOne[layoutB]", unsafe.Sizeof(toOne[layoutB]{}), unsafe.Offsetof(toOne[layoutB]{}.state), unsafe.Offsetof(toOne[layoutB]{}.key), unsafe.Offsetof(toOne[layoutB]{}.obj)},
		{"toOne[int8]", unsafe.Sizeof(toOne[int8]{}), unsafe.Offsetof(toOne[int8]{}.state), unsafe.Offsetof(toOne[int8]{}.key), unsafe.Offsetof(toOne[int8]{}.obj)},
	} {
		check(c.name+" size", c.size, unsafe.Sizeof(relfield.ToOne{}))
		check(c.name+" state", c.state, unsafe.Offsetof(relfield.ToOne{}.State))
		check(c.name+" key", c.key, unsafe.Offsetof(relfield.ToOne{}.Key))
		check(c.name+" obj", c.obj, unsafe.Offsetof(relfield.ToOne{}.Obj))
	}
	for _, c := range []struct {
		name               string
		size, state, items uintptr
	}{
		{"toMany[layoutA]", unsafe.Sizeof(toMany[layoutA]{}), unsafe.Offsetof(toMany[layoutA]{}.state), unsafe.Offsetof(toMany[layoutA]{}.items)},
		{"toMany[layoutB]", unsafe.Sizeof(toMany[layoutB]{}), unsafe.Offsetof(toMany[layoutB]{}.state), unsafe.Offsetof(toMany[layoutB]{}.items)},
	} {
		check(c.name+" size", c.size, unsafe.Sizeof(relfield.ToMany{}))
		check(c.name+" state", c.state, unsafe.Offsetof(relfield.ToMany{}.State))
		check(c.name+" items", c.items, unsafe.Offsetof(relfield.ToMany{}.Items))
	}
	check("ForeignKey.toOne", unsafe.Offsetof(ForeignKey[layoutA]{}.toOne), 0)
	check("OneToOne.toOne", unsafe.Offsetof(OneToOne[layoutA]{}.toOne), 0)
	check("Many.toMany", unsafe.Offsetof(Many[layoutA]{}.toMany), 0)
	check("ManyToMany.toMany", unsafe.Offsetof(ManyToMany[layoutA]{}.toMany), 0)
	for _, c := range []struct {
		typ, marker, target reflect.Type
	}{
		{reflect.TypeFor[ForeignKey[layoutA]](), reflect.TypeFor[relfield.ForeignKey](), reflect.TypeFor[layoutA]()},
		{reflect.TypeFor[OneToOne[layoutB]](), reflect.TypeFor[relfield.OneToOne](), reflect.TypeFor[layoutB]()},
		{reflect.TypeFor[Many[layoutA]](), reflect.TypeFor[relfield.Many](), reflect.TypeFor[layoutA]()},
		{reflect.TypeFor[ManyToMany[layoutB]](), reflect.TypeFor[relfield.ManyToMany](), reflect.TypeFor[layoutB]()},
	} {
		if got := relfield.Marker(c.typ); got != c.marker {
			t.Errorf("%s: marker %v, want %v", c.typ, got, c.marker)
		}
		if got := relfield.Target(c.typ); got != c.target {
			t.Errorf("%s: target %v, want %v", c.typ, got, c.target)
		}
	}
}

// A to-one field is 40 bytes: a row with a foreign key stays in the size
// class a hand-written struct with an id and a pointer would be near.
func TestToOneSize(t *testing.T) {
	if got := unsafe.Sizeof(ForeignKey[layoutA]{}); got != 40 {
		t.Fatalf("ForeignKey is %d bytes, want 40", got)
	}
}
