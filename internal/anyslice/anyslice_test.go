package anyslice

import (
	"reflect"
	"testing"
)

func TestTyped(t *testing.T) {
	if got := Typed[int64]([]any{int64(1), int64(2)}); !reflect.DeepEqual(got, []int64{1, 2}) {
		t.Errorf("Typed = %#v", got)
	}
	mixed := []any{int64(1), "x"}
	if got := Typed[int64](mixed); !reflect.DeepEqual(got, mixed) {
		t.Errorf("mixed values must come back as they were, got %#v", got)
	}
}
