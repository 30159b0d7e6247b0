package relations

import (
	"reflect"

	"github.com/eagerorm/eager/internal/relfield"
	"github.com/eagerorm/eager/internal/schema"
)

// keyAs returns the key converted to the Go type of T's primary key, so
// that it compares equal to that field (int32 for an integer column, a named
// uuid type, ...). nil when NULL.
func keyAs[T any](k *relfield.Key) any {
	if !k.Valid() {
		return nil
	}
	m, err := schema.For[T]()
	if err != nil || m.PK == nil {
		return k.Arg()
	}
	pt := m.PK.Type
	i, other := k.Parts()
	if other == nil {
		switch pt.Kind() {
		case reflect.Int64:
			if pt == int64Type {
				return i
			}
		case reflect.Int32:
			if pt == int32Type {
				return int32(i)
			}
		case reflect.Int:
			if pt == intType {
				return int(i)
			}
		}
		return reflect.ValueOf(i).Convert(pt).Interface()
	}
	v := reflect.ValueOf(other)
	if v.Type() != pt && v.Type().ConvertibleTo(pt) {
		return v.Convert(pt).Interface()
	}
	return other
}

var (
	int64Type = reflect.TypeFor[int64]()
	int32Type = reflect.TypeFor[int32]()
	intType   = reflect.TypeFor[int]()
)
