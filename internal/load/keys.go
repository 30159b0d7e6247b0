package load

import (
	"reflect"
	"unsafe"

	"github.com/eagerorm/eager/internal/anyslice"
	"github.com/eagerorm/eager/internal/relfield"
	"github.com/eagerorm/eager/internal/schema"
	"github.com/jackc/pgx/v5/pgtype"
)

// keyOf reads the key that field f of row holds: a relation's key column
// (false when NULL), or a primary key.
func keyOf(row unsafe.Pointer, f *schema.Field) (int64, any, bool) {
	if f.IsKey() {
		k := keyAt(row, f)
		i, other := k.Parts()
		return i, other, k.Valid()
	}
	i, other := pkOf(row, f)
	return i, other, true
}

// pkOf reads a row's primary key: integers unboxed (the common case, read
// straight from memory), anything else normalised so that it compares equal
// to a scanned key.
func pkOf(row unsafe.Pointer, pk *schema.Field) (int64, any) {
	p := unsafe.Add(row, pk.Offset)
	if pk.Type.PkgPath() != "" && !schema.NaturalKey(pk.Kind, pk.Type) {
		switch k := schema.DBKey(pk.Kind, pk.Value(row)).(type) { // a Valuer key is what it stores
		case int64:
			return k, nil
		default:
			return 0, relfield.Normalize(k)
		}
	}
	switch pk.Type.Kind() {
	case reflect.Int64, reflect.Int:
		if pk.Type.Size() == 8 {
			return *(*int64)(p), nil
		}
	case reflect.Int32:
		return int64(*(*int32)(p)), nil
	case reflect.Int16:
		return int64(*(*int16)(p)), nil
	}
	return 0, relfield.Normalize(pk.Value(row))
}

// keySet collects distinct keys for one "= ANY($1)" array.
type keySet struct {
	ints    []int64
	intSeen map[int64]struct{}
	others  []any
	seen    map[any]struct{}
}

func (s *keySet) add(i int64, other any) {
	if other == nil {
		if s.intSeen == nil {
			s.intSeen = map[int64]struct{}{}
		}
		if _, ok := s.intSeen[i]; !ok {
			s.intSeen[i] = struct{}{}
			s.ints = append(s.ints, i)
		}
		return
	}
	other = relfield.Normalize(other)
	if s.seen == nil {
		s.seen = map[any]struct{}{}
	}
	if _, ok := s.seen[other]; !ok {
		s.seen[other] = struct{}{}
		s.others = append(s.others, other)
	}
}

func (s *keySet) len() int { return len(s.ints) + len(s.others) }

// array is the keys as one parameter: []int64, []string, []pgtype.UUID, or
// []any. A uuid goes as pgtype.UUID, not [16]byte: under pgx's exec and
// simple_protocol modes a parameter's type comes from its Go type, and pgx
// knows [16]byte as no PostgreSQL type.
func (s *keySet) array() any {
	if len(s.others) == 0 {
		return s.ints
	}
	if len(s.ints) == 0 {
		switch s.others[0].(type) {
		case string:
			return anyslice.Typed[string](s.others)
		case [16]byte:
			if ids, ok := anyslice.Typed[[16]byte](s.others).([][16]byte); ok {
				out := make([]pgtype.UUID, len(ids))
				for i, id := range ids {
					out[i] = pgtype.UUID{Bytes: id, Valid: true}
				}
				return out
			}
		}
	}
	out := make([]any, 0, s.len())
	for _, i := range s.ints {
		out = append(out, i)
	}
	return append(out, s.others...)
}

// intIndex maps keys to an int32; ptrIndex maps keys to a row. Integer
// keys, the common case, use a map without boxing.
type intIndex struct {
	ints   map[int64]int32
	others map[any]int32
}

func newIntIndex(n int) intIndex { return intIndex{ints: make(map[int64]int32, n)} }

func (x *intIndex) put(i int64, other any, v int32) {
	if other == nil {
		x.ints[i] = v
		return
	}
	if x.others == nil {
		x.others = map[any]int32{}
	}
	x.others[relfield.Normalize(other)] = v
}

func (x *intIndex) get(i int64, other any) (int32, bool) {
	if other == nil {
		v, ok := x.ints[i]
		return v, ok
	}
	v, ok := x.others[relfield.Normalize(other)]
	return v, ok
}

type ptrIndex struct {
	ints   map[int64]unsafe.Pointer
	others map[any]unsafe.Pointer
}

func newPtrIndex(n int) ptrIndex { return ptrIndex{ints: make(map[int64]unsafe.Pointer, n)} }

func (x *ptrIndex) put(i int64, other any, p unsafe.Pointer) {
	if other == nil {
		x.ints[i] = p
		return
	}
	if x.others == nil {
		x.others = map[any]unsafe.Pointer{}
	}
	x.others[relfield.Normalize(other)] = p
}

func (x *ptrIndex) get(i int64, other any) unsafe.Pointer {
	if other == nil {
		return x.ints[i]
	}
	return x.others[relfield.Normalize(other)]
}
