package relations

import (
	"reflect"

	"github.com/eagerorm/eager/orm"
	"github.com/jackc/pgx/v5/pgtype"
)

// key is the value of a key column. Integer keys, by far the most common,
// are kept unboxed so that scanning a row allocates nothing for them; other
// key types (text, uuid) live in other.
type key struct {
	i     int64
	other any
	valid bool
}

func (k *key) ScanInt64(v pgtype.Int8) error {
	*k = key{i: v.Int64, valid: v.Valid}
	return nil
}

func (k *key) ScanText(v pgtype.Text) error {
	*k = key{valid: v.Valid}
	if v.Valid {
		k.other = v.String
	}
	return nil
}

func (k *key) ScanUUID(v pgtype.UUID) error {
	*k = key{valid: v.Valid}
	if v.Valid {
		k.other = v.Bytes
	}
	return nil
}

// arg is the key as a statement argument.
func (k *key) arg() any {
	switch {
	case !k.valid:
		return nil
	case k.other != nil:
		return k.other
	}
	return k.i
}

// set stores v, a value of the target's primary-key type (or nil).
func (k *key) set(v any) {
	*k = key{}
	if v == nil {
		return
	}
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return
		}
		rv = rv.Elem()
	}
	k.valid = true
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		k.i = rv.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		k.i = int64(rv.Uint())
	default:
		k.other = rv.Interface()
	}
}

// as returns the key converted to the Go type of T's primary key, so that
// it compares equal to that field (int32 for an integer column, a named
// uuid type, ...). nil when NULL.
func keyAs[T any](k *key) any {
	if !k.valid {
		return nil
	}
	m, err := orm.ModelFor[T]()
	if err != nil {
		return k.arg()
	}
	pt := m.PK.Type
	if k.other == nil {
		switch pt.Kind() {
		case reflect.Int64:
			if pt == int64Type {
				return k.i
			}
		case reflect.Int32:
			if pt == int32Type {
				return int32(k.i)
			}
		case reflect.Int:
			if pt == intType {
				return int(k.i)
			}
		}
		return reflect.ValueOf(k.i).Convert(pt).Interface()
	}
	v := reflect.ValueOf(k.other)
	if v.Type() != pt && v.Type().ConvertibleTo(pt) {
		return v.Convert(pt).Interface()
	}
	return k.other
}

var (
	int64Type = reflect.TypeFor[int64]()
	int32Type = reflect.TypeFor[int32]()
	intType   = reflect.TypeFor[int]()
)
