package relations

import (
	"fmt"
	"github.com/eagerorm/eager/internal/schema"
	"reflect"
	"strconv"
	"unsafe"

	"github.com/eagerorm/eager/internal/pgvalue"
	"github.com/jackc/pgx/v5/pgtype"
)

// key is the value of a key column in 16 bytes: an integer key (by far
// the most common) is kept unboxed in i, so scanning a row allocates
// nothing for it; tag says what the key is: nil for NULL, intTag for an
// integer in i, or a pointer to a boxed value for other key types (text,
// uuid), which cost one small allocation per row.
type key struct {
	i   int64
	tag unsafe.Pointer
}

// intTag marks a key whose value is i.
var intTag = unsafe.Pointer(new(byte))

func (k *key) valid() bool { return k.tag != nil }

// other is a non-integer key's value, nil for an integer key or NULL.
func (k *key) other() any {
	if k.tag == nil || k.tag == intTag {
		return nil
	}
	return *(*any)(k.tag)
}

func (k *key) setInt(i int64) { k.i, k.tag = i, intTag }

func (k *key) setOther(v any) {
	box := new(any)
	*box = v
	k.i, k.tag = 0, unsafe.Pointer(box)
}

func (k *key) ScanInt64(v pgtype.Int8) error {
	*k = key{}
	if v.Valid {
		k.setInt(v.Int64)
	}
	return nil
}

// scanText reads a key sent as text as the type of the primary key pk it
// points at: under pgx's text-format exec modes (exec, simple_protocol) an
// integer or uuid key arrives as text, and kept as a string it would match
// no row.
func (k *key) scanText(v pgtype.Text, pk *schema.Field) error {
	*k = key{}
	if !v.Valid {
		return nil
	}
	switch pk.Kind {
	case schema.KindInt:
		i, err := strconv.ParseInt(v.String, 10, 64)
		if err != nil {
			return fmt.Errorf("relations: key %q for %s is not an integer: %w", v.String, pk, err)
		}
		k.setInt(i)
	case schema.KindUUID:
		var u pgtype.UUID
		if err := u.Scan(v.String); err != nil {
			return fmt.Errorf("relations: key %q for %s is not a uuid: %w", v.String, pk, err)
		}
		k.setOther(u.Bytes)
	default:
		k.setOther(v.String)
	}
	return nil
}

func (k *key) ScanUUID(v pgtype.UUID) error {
	*k = key{}
	if v.Valid {
		k.setOther(v.Bytes)
	}
	return nil
}

// arg is the key as a statement argument. A 16-byte key goes as a
// pgtype.UUID: under pgx's exec and simple_protocol modes a parameter's
// type comes from its Go type, and pgx knows [16]byte (or a named array
// type) as no PostgreSQL type.
func (k *key) arg() any {
	switch {
	case k.tag == nil:
		return nil
	case k.tag == intTag:
		return k.i
	}
	v := k.other()
	if id, ok := normalize(v).([16]byte); ok {
		return pgtype.UUID{Bytes: id, Valid: true}
	}
	return v
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
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		k.setInt(rv.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		k.setInt(int64(rv.Uint()))
	default:
		k.setOther(rv.Interface())
	}
}

// as returns the key converted to the Go type of T's primary key, so that
// it compares equal to that field (int32 for an integer column, a named
// uuid type, ...). nil when NULL.
func keyAs[T any](k *key) any {
	if !k.valid() {
		return nil
	}
	m, err := schema.For[T]()
	if err != nil {
		return k.arg()
	}
	pt := m.PK.Type
	other := k.other()
	if other == nil {
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

// dbKey returns v, a value of a primary key stored in a column of kind, in
// the form the key scanners produce from that column. A type whose Go kind
// is not the column's (an int SKU stored as text "SKU-000042") is what its
// Value method gives, as pgx writes it; any other value is left as it is.
func dbKey(kind schema.ColumnKind, v any) any {
	if v == nil || naturalKey(kind, reflect.TypeOf(v)) {
		return v
	}
	r, valued, err := pgvalue.Resolve(v)
	if !valued || err != nil || r == nil {
		return v
	}
	if s, ok := r.(string); ok && kind == schema.KindUUID {
		var u pgtype.UUID
		if u.Scan(s) == nil {
			return u.Bytes
		}
	}
	return r
}

// naturalKey reports whether values of t are stored in a column of kind as
// they are (integers in an integer column, strings in text, 16 bytes in a uuid).
func naturalKey(kind schema.ColumnKind, t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return kind == schema.KindInt
	case reflect.String:
		return kind == schema.KindString
	case reflect.Array:
		return kind == schema.KindUUID
	}
	return !pgvalue.Encodes(t)
}
