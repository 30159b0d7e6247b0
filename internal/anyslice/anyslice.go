// Package anyslice turns a []any whose elements share one type into a typed
// slice, which pgx encodes as a PostgreSQL array of that type (one
// "= ANY($1)" parameter for many keys or values).
package anyslice

// Typed returns vals as a []T when every element is a T, else vals as is.
func Typed[T any](vals []any) any {
	out := make([]T, len(vals))
	for i, v := range vals {
		t, ok := v.(T)
		if !ok {
			return vals
		}
		out[i] = t
	}
	return out
}
