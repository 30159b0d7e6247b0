// Package pgvalue reads a Go value as pgx reads a statement argument before
// it looks at the value's Go kind, so that every part of eager that sends a
// value (filters, updates, relation keys) sends what Insert, which hands
// fields to pgx as they are, writes.
package pgvalue

import (
	"database/sql/driver"
	"fmt"
	"reflect"
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
