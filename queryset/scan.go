package queryset

import (
	"unsafe"

	"github.com/eagerorm/eager/orm"
	"github.com/jackc/pgx/v5"
)

// scanner reads rows into model structs through the model's precomputed
// field addresses: per row it fills one slice of typed pointers (no
// reflection, no allocation) and lets pgx decode straight into the fields.
type scanner struct {
	fields []*orm.Field
	dest   []any
}

func newScanner(m *orm.Model) *scanner {
	return &scanner{fields: m.Columns, dest: make([]any, len(m.Columns))}
}

func (sc *scanner) scan(rows pgx.Rows, base unsafe.Pointer) error {
	for i, f := range sc.fields {
		sc.dest[i] = f.Addr(base)
	}
	return rows.Scan(sc.dest...)
}
