package schema

import (
	"reflect"
	"unsafe"

	"github.com/eagerorm/eager/internal/pgvalue"
	"github.com/eagerorm/eager/internal/relfield"
	"github.com/jackc/pgx/v5/pgtype"
)

// The key a ForeignKey or OneToOne column holds lives in the relation
// field (package relfield's layout); these read and convert it.

// KeyType is how a key of a primary key of kind is read (relfield.Scanner).
func KeyType(kind ColumnKind) relfield.KeyType {
	switch kind {
	case KindInt:
		return relfield.IntKeys
	case KindUUID:
		return relfield.UUIDKeys
	}
	return relfield.TextKeys
}

// keyScanner is the scan target of a key column whose target's primary key
// is of kind: the field's key, reading text as that kind.
func keyScanner(kind ColumnKind) func(unsafe.Pointer) any {
	kt := KeyType(kind)
	return func(p unsafe.Pointer) any { return relfield.ScannerAt(p, kt) }
}

// keyValue is the key the key column f of the struct at base holds, as a
// statement argument (nil for NULL). When the relation holds a row, the key
// is that row's primary key read now (as Django reads it at save time), so
// a row Set before it was inserted gives the key its insert returned; the
// field keeps it.
func (f *Field) keyValue(base unsafe.Pointer) any {
	r := relfield.ToOneAt(unsafe.Add(base, f.Offset))
	if r.Obj != nil {
		pk := f.Rel.Target.PK
		var k relfield.Key
		k.Set(DBKey(pk.Kind, pk.Value(r.Obj)))
		if !k.Same(&r.Key) {
			r.Key = k
		}
	}
	return r.Key.Arg()
}

// DBKey returns v, a value of a primary key stored in a column of kind, in
// the form the key scanners produce from that column. A type whose Go kind
// is not the column's (an int SKU stored as text "SKU-000042") is what its
// Value method gives, as pgx writes it; any other value is left as it is.
func DBKey(kind ColumnKind, v any) any {
	if v == nil || NaturalKey(kind, reflect.TypeOf(v)) {
		return v
	}
	r, valued, err := pgvalue.Resolve(v)
	if !valued || err != nil || r == nil {
		return v
	}
	if s, ok := r.(string); ok && kind == KindUUID {
		var u pgtype.UUID
		if u.Scan(s) == nil {
			return u.Bytes
		}
	}
	return r
}

// NaturalKey reports whether values of t are stored in a column of kind as
// they are (integers in an integer column, strings in text, 16 bytes in a uuid).
func NaturalKey(kind ColumnKind, t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return kind == KindInt
	case reflect.String:
		return kind == KindString
	case reflect.Array:
		return kind == KindUUID
	}
	return !pgvalue.Encodes(t)
}
