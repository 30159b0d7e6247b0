// Package pgvalue reads a Go value as pgx reads a statement argument before
// it looks at the value's Go kind, so that every part of eager that sends a
// value (filters, updates, relation keys) sends what Insert, which hands
// fields to pgx as they are, writes.
package pgvalue

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/jackc/pgx/v5/pgtype"
)

// maxDepth bounds a chain of Value methods that return further Valuers.
const maxDepth = 8

var valuerType = reflect.TypeFor[driver.Valuer]()

const pgtypePkg = "github.com/jackc/pgx/v5/pgtype"

// Resolve follows pointers (a nil pointer is NULL, returned as nil) and
// replaces a value of a type pgx has no codec for but that implements
// driver.Valuer by what its Value method returns, as pgx does: the database
// form of a Money whose Value is "19.99" is "19.99", not its int64 1999.
// valued reports that a Value method produced out. pgtype's own types are
// returned as they are: pgx encodes them with their codecs, not through
// Value. A Value method that fails or panics is an error naming its type.
func Resolve(v any) (out any, valued bool, err error) {
	for range maxDepth {
		if v == nil {
			return nil, valued, nil
		}
		rv := reflect.ValueOf(v)
		if dv, ok := v.(driver.Valuer); ok && !PgtypeOwn(rv.Type()) {
			if rv.Kind() == reflect.Pointer && rv.IsNil() && rv.Type().Elem().Implements(valuerType) {
				// Value has a value receiver: a nil pointer is NULL. With a
				// pointer receiver pgx asks the nil pointer, and so do we.
				return nil, valued, nil
			}
			if v, err = call(dv); err != nil {
				return nil, true, err
			}
			valued = true
			continue
		}
		if rv.Kind() != reflect.Pointer {
			return v, valued, nil
		}
		if rv.IsNil() {
			return nil, valued, nil
		}
		v = rv.Elem().Interface()
	}
	return nil, valued, fmt.Errorf("Value() of %T does not come to a database value", v)
}

// Encodes reports whether values of t are encoded through a Value method
// (Resolve changes them): t, or *t's element, implements driver.Valuer and is
// not one of pgtype's own types.
func Encodes(t reflect.Type) bool {
	if PgtypeOwn(t) {
		return false
	}
	return t.Implements(valuerType) || (t.Kind() == reflect.Pointer && t.Elem().Implements(valuerType))
}

// PgtypeOwn reports whether t (or *t's element) is one of pgtype's types.
func PgtypeOwn(t reflect.Type) bool {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.PkgPath() == pgtypePkg
}

// call calls a user's Value method; a panic in it becomes an error naming
// the type, so that no value handed to eager panics the caller.
func call(dv driver.Valuer) (v driver.Value, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%T.Value() panicked: %v", dv, p)
		}
	}()
	v, err = dv.Value()
	if err != nil {
		return nil, fmt.Errorf("%T.Value(): %w", dv, err)
	}
	return v, nil
}

// UUID returns v, a value for a uuid column, as pgx sends it whatever its
// exec mode. pgx encodes a 16-byte array (of any named type) as a uuid only
// when the server has described the parameter as one; under the exec and
// simple_protocol modes the parameter's type comes from the Go type, and
// pgx knows [16]byte as no PostgreSQL type. As pgtype.UUID it is a uuid in
// every mode. Pointers are followed (nil is NULL); a type with a Value
// method, and any other value, is left to pgx as it is.
func UUID(v any) any {
	if v == nil {
		return nil
	}
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil
		}
		if Encodes(rv.Type()) {
			return v
		}
		rv = rv.Elem()
	}
	t := rv.Type()
	if t.Kind() != reflect.Array || t.Len() != 16 || t.Elem().Kind() != reflect.Uint8 || Encodes(t) {
		return v
	}
	u := pgtype.UUID{Valid: true}
	reflect.Copy(reflect.ValueOf(&u.Bytes).Elem(), rv)
	return u
}

// JSON returns v, a value for a json or jsonb column, as the JSON text pgx's
// JSON codec would write for it (a string or []byte as it is, a
// json.Marshaler or any other value marshalled, a nil pointer, map or
// slice as NULL), so that it is sent as text whatever the exec mode: pgx
// uses that codec only when the server has described the parameter, and
// otherwise knows a struct or map as no PostgreSQL type and sends a []byte
// as bytea. A type with a Value method is left to pgx, which calls it.
func JSON(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	if _, ok := v.(driver.Valuer); ok {
		return v, nil
	}
	switch rv := reflect.ValueOf(v); rv.Kind() {
	case reflect.Map, reflect.Slice, reflect.Pointer:
		if rv.IsNil() {
			return nil, nil // pgx sends a nil map, slice or pointer as NULL
		}
	}
	for range maxDepth {
		switch x := v.(type) {
		case nil:
			return nil, nil
		case string:
			return x, nil
		case []byte:
			if x == nil {
				return nil, nil
			}
			return string(x), nil
		case json.RawMessage:
			if x == nil {
				return nil, nil
			}
			return string(x), nil
		case driver.Valuer:
			return v, nil
		case json.Marshaler:
			return marshal(v)
		}
		rv := reflect.ValueOf(v)
		switch {
		case rv.Kind() == reflect.Pointer:
			if rv.IsNil() {
				return nil, nil
			}
			v = rv.Elem().Interface()
		case rv.Kind() == reflect.String && rv.Type() != stringType:
			v = rv.String() // a named string is its text, as pgx reads it
		case rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() == reflect.Uint8 && rv.Type() != bytesType:
			v = rv.Bytes()
		default:
			return marshal(v)
		}
	}
	return marshal(v)
}

var (
	stringType = reflect.TypeFor[string]()
	bytesType  = reflect.TypeFor[[]byte]()
)

func marshal(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("JSON of %T: %w", v, err)
	}
	return string(b), nil
}
