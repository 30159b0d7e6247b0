package queryset

import (
	"strings"
	"time"

	"github.com/eagerorm/eager/internal/schema"
)

// isoLayouts are the ISO 8601 forms accepted for a date or a time, after a
// space between date and time is read as T (PostgreSQL prints a space).
// Fractional seconds are accepted after the seconds by time.Parse.
var isoLayouts = []struct {
	layout string
	naive  bool
}{
	{"2006-01-02", true},
	{"2006-01-02T15:04", true},
	{"2006-01-02T15:04:05", true},
	{"2006-01-02T15:04Z07:00", false},
	{"2006-01-02T15:04:05Z07:00", false},
	{"2006-01-02T15:04:05Z0700", false},
	{"2006-01-02T15:04:05Z07", false},
}

// parseISO reads s as an ISO 8601 date or date and time; naive reports that
// it names no offset (PostgreSQL then reads it in the session's time zone).
func parseISO(s string) (t time.Time, naive, ok bool) {
	s = strings.TrimSpace(s)
	if len(s) > 10 && s[10] == ' ' {
		s = s[:10] + "T" + s[11:]
	}
	for _, l := range isoLayouts {
		if t, err := time.Parse(l.layout, s); err == nil {
			return t, l.naive, true
		}
	}
	return time.Time{}, false, false
}

// timeArrayText renders a list of date or time values as one PostgreSQL
// array literal when it holds a naive ISO string: sent as text, the server
// reads every element in the session's time zone, as it reads a single one.
// ok is false when the list needs no text form.
func timeArrayText(kind schema.ColumnKind, vals []any) (string, bool) {
	text := false
	for _, v := range vals {
		if _, isString := v.(string); isString {
			text = true
		}
	}
	if !text {
		return "", false
	}
	var sb strings.Builder
	sb.WriteByte('{')
	for i, v := range vals {
		if i > 0 {
			sb.WriteByte(',')
		}
		var s string
		switch v := v.(type) {
		case string:
			s = v // checked by parseISO: digits, -, :, ., T, space, Z, +
		case time.Time:
			s = v.Format(time.RFC3339Nano)
			if kind == schema.KindDate {
				s = v.Format(time.DateOnly) // the date in the value's own zone, as pgx sends it
			}
		default:
			return "", false
		}
		sb.WriteString(`"` + s + `"`)
	}
	sb.WriteByte('}')
	return sb.String(), true
}
