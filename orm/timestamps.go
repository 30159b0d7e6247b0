package orm

import (
	"reflect"
	"time"
	"unsafe"

	"github.com/eagerorm/eager/internal/schema"
)

// Fields tagged orm:"auto_now" are set to the current time by every write
// of an object (Insert, Update, BulkInsert, BulkUpdate and an upsert's
// update); fields tagged orm:"auto_now_add" by the inserts, when they are
// zero (a time the caller set, as an import would, is kept). The value is
// set in the object before the statement is sent, so the object holds what
// was written. QuerySet.Update writes only what it is told (Django's rule):
// name the field in its map to set it.

// now is the time the writes stamp: microseconds, as PostgreSQL stores
// them, so the object equals the row read back.
func now() time.Time { return time.Now().Truncate(time.Microsecond) }

// autoNowFields lists the model's auto_now columns.
func autoNowFields(m *schema.Model) []*schema.Field {
	var out []*schema.Field
	for _, f := range m.Columns {
		if f.AutoNow {
			out = append(out, f)
		}
	}
	return out
}

// hasStamps reports whether the model has a field an insert stamps.
func hasStamps(m *schema.Model) bool {
	for _, f := range m.Columns {
		if f.AutoNow || f.AutoNowAdd {
			return true
		}
	}
	return false
}

// stampInsert sets the auto_now fields, and the zero auto_now_add fields, of
// the object at base to t.
func stampInsert(m *schema.Model, base unsafe.Pointer, t time.Time) {
	for _, f := range m.Columns {
		if f.AutoNow || (f.AutoNowAdd && f.IsZero(base)) {
			setTime(f, base, t)
		}
	}
}

// stampUpdate sets the auto_now fields of the object at base to t.
func stampUpdate(m *schema.Model, base unsafe.Pointer, t time.Time) {
	for _, f := range m.Columns {
		if f.AutoNow {
			setTime(f, base, t)
		}
	}
}

func setTime(f *schema.Field, base unsafe.Pointer, t time.Time) {
	v := reflect.NewAt(f.Type, unsafe.Add(base, f.Offset)).Elem()
	if f.Type.Kind() == reflect.Pointer {
		v.Set(reflect.ValueOf(&t))
		return
	}
	v.Set(reflect.ValueOf(t))
}
