package scan

import (
	"fmt"
	"strings"
	"unsafe"

	"github.com/eagerorm/eager/internal/schema"
	"github.com/eagerorm/eager/internal/sqlgen"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// scanByName reads the current row of a statement written by hand (Raw)
// into root. Its columns are matched to fields on the first row: every row
// of a statement has the same columns.
func (sc *Scanner) scanByName(rows pgx.Rows, root unsafe.Pointer) error {
	if sc.cols == nil {
		fields, err := fieldsByName(sc.nodes[0].Model, rows.FieldDescriptions())
		if err != nil {
			return err
		}
		sc.cols, sc.dest = fields, make([]any, len(fields))
	}
	for i, f := range sc.cols {
		if f != nil {
			sc.dest[i] = f.Addr(root)
		} // a column the model does not declare: a nil destination, skipped
	}
	return rows.Scan(sc.dest...)
}

// fieldsByName maps each result column to the model's field of that column
// name (nil: not one of the model's), and checks that every field has
// exactly one column, so that no field is left silently zero and no column
// is read into a field it was not meant for.
func fieldsByName(m *schema.Model, cols []pgconn.FieldDescription) ([]*schema.Field, error) {
	fields := make([]*schema.Field, len(cols))
	seen := make(map[*schema.Field]bool, len(m.Columns))
	for i, c := range cols {
		f, ok := m.FieldByColumn(c.Name)
		if !ok {
			continue
		}
		if seen[f] {
			return nil, fmt.Errorf("the Raw statement's result has two columns named %q (field %s): alias one of them, so that it is clear which one the field gets", c.Name, f)
		}
		seen[f] = true
		fields[i] = f
	}
	var missing []string
	for _, f := range m.Columns {
		if !seen[f] {
			what := fmt.Sprintf("%q (%s)", f.Column, f)
			if f.PK {
				what = fmt.Sprintf("%q (%s, the primary key)", f.Column, f)
			}
			missing = append(missing, what)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("the Raw statement's result has no column %s: select every column %s declares (SELECT %s.* or a list with each), so that no field is left zero",
			strings.Join(missing, ", "), m.Name, sqlgen.Quote(m.Table))
	}
	return fields, nil
}
