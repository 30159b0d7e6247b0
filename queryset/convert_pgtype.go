package queryset

import "github.com/jackc/pgx/v5/pgtype"

// The readers of pgtype's value interfaces, one per column kind (see
// kindConversions): the interface pgx's codec for the kind uses
// (Int64Value for an integer column, TextValue for text...), which pgtype's
// own types and some user types implement. ok is false when v has none; a
// nil result with ok is NULL (Valid false).

// validOrNull is val, or nil (NULL) when it is not valid.
func validOrNull(val any, valid bool) (any, bool) {
	if !valid {
		return nil, true
	}
	return val, true
}

// numberPgtype reads an integer or a float (Int64Value, then Float64Value).
func numberPgtype(v any) (any, bool) {
	if iv, ok := v.(pgtype.Int64Valuer); ok {
		if n, err := iv.Int64Value(); err == nil {
			return validOrNull(n.Int64, n.Valid)
		}
	}
	if fv, ok := v.(pgtype.Float64Valuer); ok {
		if f, err := fv.Float64Value(); err == nil {
			return validOrNull(f.Float64, f.Valid)
		}
	}
	return nil, false
}

// numericPgtype reads a numeric (NumericValue), or else a number.
func numericPgtype(v any) (any, bool) {
	if nv, ok := v.(pgtype.NumericValuer); ok {
		if n, err := nv.NumericValue(); err == nil {
			return validOrNull(n, n.Valid)
		}
	}
	return numberPgtype(v)
}

func textPgtype(v any) (any, bool) {
	if tv, ok := v.(pgtype.TextValuer); ok {
		if t, err := tv.TextValue(); err == nil {
			return validOrNull(t.String, t.Valid)
		}
	}
	return nil, false
}

func boolPgtype(v any) (any, bool) {
	if bv, ok := v.(pgtype.BoolValuer); ok {
		if b, err := bv.BoolValue(); err == nil {
			return validOrNull(b.Bool, b.Valid)
		}
	}
	return nil, false
}

// timePgtype reads a timestamptz, a timestamp or a date; an infinite one
// stays a pgtype value (time.Time has no infinity).
func timePgtype(v any) (any, bool) {
	if tv, ok := v.(pgtype.TimestamptzValuer); ok {
		if t, err := tv.TimestamptzValue(); err == nil {
			return finiteTime(t, t.Time, t.InfinityModifier, t.Valid)
		}
	}
	if tv, ok := v.(pgtype.TimestampValuer); ok {
		if t, err := tv.TimestampValue(); err == nil {
			return finiteTime(t, t.Time, t.InfinityModifier, t.Valid)
		}
	}
	if dv, ok := v.(pgtype.DateValuer); ok {
		if d, err := dv.DateValue(); err == nil {
			return finiteTime(d, d.Time, d.InfinityModifier, d.Valid)
		}
	}
	return nil, false
}

func finiteTime(pg, t any, inf pgtype.InfinityModifier, valid bool) (any, bool) {
	if inf != pgtype.Finite {
		return validOrNull(pg, valid)
	}
	return validOrNull(t, valid)
}

func uuidPgtype(v any) (any, bool) {
	if uv, ok := v.(pgtype.UUIDValuer); ok {
		if u, err := uv.UUIDValue(); err == nil {
			return validOrNull(u.Bytes, u.Valid)
		}
	}
	return nil, false
}

func intervalPgtype(v any) (any, bool) {
	if iv, ok := v.(pgtype.IntervalValuer); ok {
		if i, err := iv.IntervalValue(); err == nil {
			return validOrNull(i, i.Valid)
		}
	}
	return nil, false
}

func bytesPgtype(v any) (any, bool) {
	if bv, ok := v.(pgtype.BytesValuer); ok {
		if b, err := bv.BytesValue(); err == nil {
			return validOrNull(b, b != nil)
		}
	}
	return nil, false
}
