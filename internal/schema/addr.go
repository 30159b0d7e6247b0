package schema

import (
	"reflect"
	"time"
	"unsafe"

	"github.com/jackc/pgx/v5/pgtype"
)

// addrFunc returns a function that turns the address of a field of type t
// into a typed pointer in an interface, as pgx's Scan wants it. Common types
// get a direct conversion; the rest go through reflect.NewAt. Neither
// allocates: a pointer fits in an interface word.
func addrFunc(t reflect.Type) func(unsafe.Pointer) any {
	if f, ok := directAddr[t]; ok {
		return f
	}
	return func(p unsafe.Pointer) any { return reflect.NewAt(t, p).Interface() }
}

var directAddr = map[reflect.Type]func(unsafe.Pointer) any{
	reflect.TypeFor[int64]():              func(p unsafe.Pointer) any { return (*int64)(p) },
	reflect.TypeFor[int32]():              func(p unsafe.Pointer) any { return (*int32)(p) },
	reflect.TypeFor[int16]():              func(p unsafe.Pointer) any { return (*int16)(p) },
	reflect.TypeFor[int]():                func(p unsafe.Pointer) any { return (*int)(p) },
	reflect.TypeFor[float64]():            func(p unsafe.Pointer) any { return (*float64)(p) },
	reflect.TypeFor[float32]():            func(p unsafe.Pointer) any { return (*float32)(p) },
	reflect.TypeFor[string]():             func(p unsafe.Pointer) any { return (*string)(p) },
	reflect.TypeFor[bool]():               func(p unsafe.Pointer) any { return (*bool)(p) },
	reflect.TypeFor[[]byte]():             func(p unsafe.Pointer) any { return (*[]byte)(p) },
	reflect.TypeFor[time.Time]():          func(p unsafe.Pointer) any { return (*time.Time)(p) },
	reflect.TypeFor[*int64]():             func(p unsafe.Pointer) any { return (**int64)(p) },
	reflect.TypeFor[*int32]():             func(p unsafe.Pointer) any { return (**int32)(p) },
	reflect.TypeFor[*string]():            func(p unsafe.Pointer) any { return (**string)(p) },
	reflect.TypeFor[*float64]():           func(p unsafe.Pointer) any { return (**float64)(p) },
	reflect.TypeFor[*bool]():              func(p unsafe.Pointer) any { return (**bool)(p) },
	reflect.TypeFor[*time.Time]():         func(p unsafe.Pointer) any { return (**time.Time)(p) },
	reflect.TypeFor[[]string]():           func(p unsafe.Pointer) any { return (*[]string)(p) },
	reflect.TypeFor[[]int64]():            func(p unsafe.Pointer) any { return (*[]int64)(p) },
	reflect.TypeFor[pgtype.Numeric]():     func(p unsafe.Pointer) any { return (*pgtype.Numeric)(p) },
	reflect.TypeFor[pgtype.Text]():        func(p unsafe.Pointer) any { return (*pgtype.Text)(p) },
	reflect.TypeFor[pgtype.Int8]():        func(p unsafe.Pointer) any { return (*pgtype.Int8)(p) },
	reflect.TypeFor[pgtype.Int4]():        func(p unsafe.Pointer) any { return (*pgtype.Int4)(p) },
	reflect.TypeFor[pgtype.Timestamptz](): func(p unsafe.Pointer) any { return (*pgtype.Timestamptz)(p) },
	reflect.TypeFor[pgtype.UUID]():        func(p unsafe.Pointer) any { return (*pgtype.UUID)(p) },
}
