package relfield

import (
	"reflect"
	"unsafe"

	"github.com/jackc/pgx/v5/pgtype"
)

// Key is the value of a key column in 16 bytes: an integer key (by far the
// most common) is kept unboxed in i, so scanning a row allocates nothing for
// it; tag says what the key is: nil for NULL, intTag for an integer in i, or
// a pointer to a boxed value for other key types (text, uuid), which cost
// one small allocation per row. Keys holding the same integer, or NULL, are
// equal with ==.
type Key struct {
	i   int64
	tag unsafe.Pointer
}

// intTag marks a key whose value is i.
var intTag = unsafe.Pointer(new(byte))

// Valid reports whether the key is not NULL.
func (k *Key) Valid() bool { return k.tag != nil }

// Parts returns an integer key unboxed (other nil), or any other key's value
// in other; both zero for NULL.
func (k *Key) Parts() (i int64, other any) { return k.i, k.Other() }

// Other is a non-integer key's value, nil for an integer key or NULL.
func (k *Key) Other() any {
	if k.tag == nil || k.tag == intTag {
		return nil
	}
	return *(*any)(k.tag)
}

func (k *Key) setInt(i int64) { k.i, k.tag = i, intTag }

func (k *Key) setOther(v any) {
	box := new(any)
	*box = v
	k.i, k.tag = 0, unsafe.Pointer(box)
}

// Set stores v, a value of the target's primary-key type as the key
// column holds it (or nil for NULL).
func (k *Key) Set(v any) {
	*k = Key{}
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
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		k.setInt(rv.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		k.setInt(int64(rv.Uint()))
	default:
		k.setOther(rv.Interface())
	}
}

// Arg is the key as a statement argument. A 16-byte key goes as a
// pgtype.UUID: under pgx's exec and simple_protocol modes a parameter's
// type comes from its Go type, and pgx knows [16]byte (or a named array
// type) as no PostgreSQL type.
func (k *Key) Arg() any {
	switch {
	case k.tag == nil:
		return nil
	case k.tag == intTag:
		return k.i
	}
	v := k.Other()
	if id, ok := Normalize(v).([16]byte); ok {
		return pgtype.UUID{Bytes: id, Valid: true}
	}
	return v
}

// Same reports whether two keys hold the same value.
func (k *Key) Same(o *Key) bool {
	switch {
	case k.tag == nil || o.tag == nil:
		return k.tag == o.tag
	case k.tag == intTag || o.tag == intTag:
		return k.tag == o.tag && k.i == o.i
	}
	a, b := k.Other(), o.Other()
	if reflect.TypeOf(a) != reflect.TypeOf(b) || !reflect.TypeOf(a).Comparable() {
		return false
	}
	return a == b
}

// Normalize makes a key value comparable with what the key scanners
// produce: named strings become string, 16-byte arrays [16]byte.
func Normalize(v any) any {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.String:
		return rv.String()
	case reflect.Array:
		if rv.Len() == 16 && rv.Type().Elem().Kind() == reflect.Uint8 {
			var b [16]byte
			reflect.Copy(reflect.ValueOf(&b).Elem(), rv)
			return b
		}
	}
	return v
}
