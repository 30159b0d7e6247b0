package queryset_test

import (
	"reflect"
	"unsafe"
)

func ptrOf(v any) unsafe.Pointer { return reflect.ValueOf(v).UnsafePointer() }
