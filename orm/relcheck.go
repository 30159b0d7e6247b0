package orm

import (
	"fmt"
	"reflect"
	"unsafe"

	"github.com/eagerorm/eager/internal/relfield"
	"github.com/eagerorm/eager/internal/schema"
)

// Insert, Update and BulkInsert write a row's own columns. Before they send
// anything they check the row's relations, so that a write either does what
// the caller set up or says why not: a relation stored elsewhere that holds
// rows (links they would silently not save), or a key pointing at a row that
// was never saved (the key 0, which would fail as a foreign key violation or,
// worse, match a real row).

// checkHeld returns an error for the first relation without a column of its
// own (Many, ManyToMany, reverse OneToOne) that holds rows: any for an
// insert (the new row has no links yet), only rows a setter put there for an
// update (rows loaded from the database are already saved).
func checkHeld(m *schema.Model, base unsafe.Pointer, verb string, onlySet bool) error {
	for _, f := range m.Relations {
		rel := f.Rel
		if f.Column != "" {
			continue // the link is this row's own column: the write sends it
		}
		n, set := relfield.Held(unsafe.Add(base, f.Offset), rel.Multi())
		if n == 0 || (onlySet && !set) {
			continue
		}
		rows := "rows"
		if n == 1 {
			rows = "row"
		}
		// The link ends at a column of the related rows, or goes through a
		// join table.
		how := fmt.Sprintf("set the %s's %s to this row and write it", rel.Target.Name, rel.To.GoName)
		if len(rel.Hops) > 1 {
			how = fmt.Sprintf("the links live in the join table %q: write them after the %s", rel.Hops[0].ToTable, verb)
		}
		return fmt.Errorf("field %q holds %d %s %s that %s does not write (%s; or leave the relation unloaded): %w",
			f.Name, n, rel.Target.Name, rows, verb, how, ErrRelationNotWritten)
	}
	return nil
}

// checkKeys returns an error for the first ForeignKey or OneToOne column
// among fields that points at an unsaved row: the target's key is generated
// by the database and the key the relation holds (read from the related row
// now) is still the zero value.
func checkKeys(fields []*schema.Field, base unsafe.Pointer) error {
	for _, f := range fields {
		if !f.IsKey() {
			continue
		}
		pk := f.Rel.Target.PK
		if !pk.Auto && !pk.HasDefault {
			continue
		}
		v := f.Value(base)
		if v == nil || !reflect.ValueOf(v).IsZero() {
			continue
		}
		return fmt.Errorf("field %q: the related %s is not saved (its %s is %v): insert it first: %w",
			f.Name, f.Rel.Target.Name, pk.Name, v, ErrUnsavedRelated)
	}
	return nil
}

// checkInsert runs both checks for an insert of the row at base.
func checkInsert(m *schema.Model, base unsafe.Pointer) error {
	if len(m.Relations) == 0 {
		return nil
	}
	if err := checkKeys(m.Columns, base); err != nil {
		return err
	}
	return checkHeld(m, base, "insert", false)
}
