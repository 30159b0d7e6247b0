package migrate

import (
	"strings"
)

// Diff returns the operations that turn schema from into schema to, in an
// order that applies: foreign keys, indexes, constraints, columns and tables
// that go away first, then column changes, then new tables, columns,
// constraints and indexes, and new foreign keys last (every table they
// reference exists by then).
//
// Constraints and indexes are matched by what they do, not by name, so a
// table renamed by hand keeps its old-named index without churn. Diff
// manages what models can declare: primary keys, single-column UNIQUE
// constraints, single-column foreign keys and single-column plain indexes.
// CHECK constraints, composite, partial, expression and unique indexes and
// composite constraints added by hand (AddIndex, AddConstraint, RunSQL) are
// left alone.
//
// Renames are not detected: a renamed column is a DropColumn and an
// AddColumn, and the drop-column lint says so (and suggests RenameColumn
// when the pair is unambiguous). Guessing a rename wrong would lose data
// silently; a human reading a warning will not.
func Diff(from, to *State) []Operation {
	d := differ{from: from, to: to}
	// Each step diffs one kind of object; the order of the steps is the
	// order the operations apply in.
	steps := []func() []Operation{
		d.droppedForeignKeys,
		d.droppedIndexesAndKeys,
		d.droppedColumns,
		d.droppedTables,
		d.changedColumns,
		d.createdTables,
		d.addedColumns,
		d.addedKeys,
		d.addedIndexes,
		d.addedForeignKeys,
	}
	var ops []Operation
	for _, step := range steps {
		ops = append(ops, step()...)
	}
	return ops
}

// differ compares two schemas, one kind of object at a time.
type differ struct{ from, to *State }

// kept lists the tables of from that stay in to, in from's order, with
// their old and wanted definitions.
func (d differ) kept() (names []string, old, want []*Table) {
	for _, tn := range d.from.order {
		if w, ok := d.to.tables[tn]; ok {
			names, old, want = append(names, tn), append(old, d.from.tables[tn]), append(want, w)
		}
	}
	return names, old, want
}

// droppedForeignKeys: the foreign keys that go away, on tables that stay.
func (d differ) droppedForeignKeys() []Operation {
	var ops []Operation
	names, old, want := d.kept()
	for i, tn := range names {
		for _, k := range old[i].Constraints {
			if k.ForeignKey != nil && managedConstraint(k) && !hasConstraint(want[i], k) {
				ops = append(ops, DropConstraint{Table: tn, Name: k.Name})
			}
		}
	}
	return ops
}

// droppedIndexesAndKeys: the indexes, unique and primary key constraints
// that go away, on tables that stay.
func (d differ) droppedIndexesAndKeys() []Operation {
	var ops []Operation
	names, old, want := d.kept()
	for i, tn := range names {
		for _, ix := range old[i].Indexes {
			if managedIndex(ix) && !hasIndex(want[i], ix) {
				ops = append(ops, DropIndex{Table: tn, Name: ix.Name})
			}
		}
		for _, k := range old[i].Constraints {
			if k.ForeignKey == nil && managedConstraint(k) && !hasConstraint(want[i], k) {
				ops = append(ops, DropConstraint{Table: tn, Name: k.Name})
			}
		}
	}
	return ops
}

// droppedColumns: the columns that go away, on tables that stay.
func (d differ) droppedColumns() []Operation {
	var ops []Operation
	names, old, want := d.kept()
	for i, tn := range names {
		for _, c := range old[i].Columns {
			if _, ok := want[i].Column(c.Name); !ok {
				ops = append(ops, DropColumn{Table: tn, Column: c.Name})
			}
		}
	}
	return ops
}

// droppedTables: the tables that go away, after the foreign keys between
// them, so that they can be dropped in any order.
func (d differ) droppedTables() []Operation {
	var fks, tables []Operation
	gone := func(tn string) bool { _, ok := d.to.tables[tn]; return !ok }
	for _, tn := range d.from.order {
		if !gone(tn) {
			continue
		}
		for _, k := range d.from.tables[tn].Constraints {
			if k.ForeignKey != nil && k.References != tn && gone(k.References) {
				fks = append(fks, DropConstraint{Table: tn, Name: k.Name})
			}
		}
		tables = append(tables, DropTable{Table: tn})
	}
	return append(fks, tables...)
}

// changedColumns: the columns of tables that stay whose type, nullability,
// default or identity changes.
func (d differ) changedColumns() []Operation {
	var ops []Operation
	names, old, want := d.kept()
	for i, tn := range names {
		for _, c := range old[i].Columns {
			if w, ok := want[i].Column(c.Name); ok {
				if op, changed := alterColumn(tn, c, *w); changed {
					ops = append(ops, op)
				}
			}
		}
	}
	return ops
}

// createdTables: the new tables, with their primary key.
func (d differ) createdTables() []Operation {
	var ops []Operation
	for _, tn := range d.to.order {
		if _, ok := d.from.tables[tn]; ok {
			continue
		}
		t := d.to.tables[tn]
		ct := CreateTable{Table: tn, Columns: append([]Column(nil), t.Columns...)}
		if pk, ok := t.PrimaryKey(); ok && pk.Name == pkeyName(tn) {
			ct.PrimaryKey = append([]string(nil), pk.PrimaryKey...)
		}
		ops = append(ops, ct)
	}
	return ops
}

// addedColumns: the new columns of tables that already exist.
func (d differ) addedColumns() []Operation {
	var ops []Operation
	for _, tn := range d.to.order {
		old, ok := d.from.tables[tn]
		if !ok {
			continue
		}
		for _, c := range d.to.tables[tn].Columns {
			if _, ok := old.Column(c.Name); !ok {
				ops = append(ops, AddColumn{Table: tn, Column: c})
			}
		}
	}
	return ops
}

// addedConstraints: the constraints to add, foreign keys (fk true) or the
// others. A new table's own primary key is in its CreateTable.
func (d differ) addedConstraints(fk bool) []Operation {
	var ops []Operation
	for _, tn := range d.to.order {
		t, old := d.to.tables[tn], d.from.tables[tn]
		created := old == nil
		for _, k := range t.Constraints {
			if (k.ForeignKey != nil) != fk || (!created && hasConstraint(old, k)) {
				continue
			}
			if created && k.PrimaryKey != nil && k.Name == pkeyName(tn) {
				continue // in CreateTable
			}
			ops = append(ops, addConstraint(tn, k))
		}
	}
	return ops
}

// addedKeys: the new primary key, unique and check constraints.
func (d differ) addedKeys() []Operation { return d.addedConstraints(false) }

// addedForeignKeys: the new foreign keys, last: every table they reference
// exists by then.
func (d differ) addedForeignKeys() []Operation { return d.addedConstraints(true) }

// addedIndexes: the indexes to add, on new tables and old ones.
func (d differ) addedIndexes() []Operation {
	var ops []Operation
	for _, tn := range d.to.order {
		t, old := d.to.tables[tn], d.from.tables[tn]
		for _, ix := range t.Indexes {
			if old == nil || !hasIndex(old, ix) {
				ops = append(ops, AddIndex{Table: tn, Name: ix.Name, Columns: append([]string(nil), ix.Columns...),
					Unique: ix.Unique, Using: ix.Using, Where: ix.Where})
			}
		}
	}
	return ops
}

func addConstraint(table string, k Constraint) AddConstraint {
	return AddConstraint{Table: table, Name: k.Name, PrimaryKey: k.PrimaryKey, Unique: k.Unique, Check: k.Check,
		ForeignKey: k.ForeignKey, References: k.References, RefColumns: k.RefColumns, OnDelete: k.OnDelete}
}

func alterColumn(table string, c, w Column) (AlterColumn, bool) {
	op := AlterColumn{Table: table, Column: c.Name}
	if !sameType(c.Type, w.Type) {
		op.Type = w.Type
	}
	if c.Null != w.Null {
		op.DropNotNull, op.SetNotNull = w.Null, !w.Null
	}
	if strings.TrimSpace(c.Default) != strings.TrimSpace(w.Default) {
		if w.Default == "" {
			op.DropDefault = true
		} else {
			op.SetDefault = w.Default
		}
	}
	if c.Identity != w.Identity {
		op.AddIdentity, op.DropIdentity = w.Identity, !w.Identity
	}
	return op, len(op.changes()) > 0
}

// managedIndex: the indexes models declare (orm:"index"), which Diff adds
// and drops. Others were written by hand and are left alone.
func managedIndex(ix Index) bool {
	return !ix.Unique && ix.Using == "" && ix.Where == "" && len(ix.Columns) == 1
}

func managedConstraint(k Constraint) bool {
	switch {
	case k.PrimaryKey != nil:
		return true
	case k.Unique != nil:
		return len(k.Unique) == 1
	case k.ForeignKey != nil:
		return len(k.ForeignKey) == 1
	}
	return false
}

func hasIndex(t *Table, ix Index) bool {
	for _, o := range t.Indexes {
		if sameCols(o.Columns, ix.Columns) && o.Unique == ix.Unique && o.Using == ix.Using && o.Where == ix.Where {
			return true
		}
	}
	return false
}

func hasConstraint(t *Table, k Constraint) bool {
	for _, o := range t.Constraints {
		if sameCols(o.PrimaryKey, k.PrimaryKey) && sameCols(o.Unique, k.Unique) && o.Check == k.Check &&
			sameCols(o.ForeignKey, k.ForeignKey) && o.References == k.References &&
			sameCols(o.RefColumns, k.RefColumns) && o.OnDelete == k.OnDelete &&
			(o.PrimaryKey == nil) == (k.PrimaryKey == nil) && (o.Unique == nil) == (k.Unique == nil) &&
			(o.ForeignKey == nil) == (k.ForeignKey == nil) {
			return true
		}
	}
	return false
}

func sameCols(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
