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
	var ops []Operation
	kept := func(name string) bool { _, ok := to.tables[name]; return ok }

	// Foreign keys that go away, on tables that stay.
	for _, tn := range from.order {
		if !kept(tn) {
			continue
		}
		old, want := from.tables[tn], to.tables[tn]
		for _, k := range old.Constraints {
			if k.ForeignKey != nil && managedConstraint(k) && !hasConstraint(want, k) {
				ops = append(ops, DropConstraint{Table: tn, Name: k.Name})
			}
		}
	}
	// Indexes, unique and primary key constraints that go away.
	for _, tn := range from.order {
		if !kept(tn) {
			continue
		}
		old, want := from.tables[tn], to.tables[tn]
		for _, ix := range old.Indexes {
			if managedIndex(ix) && !hasIndex(want, ix) {
				ops = append(ops, DropIndex{Table: tn, Name: ix.Name})
			}
		}
		for _, k := range old.Constraints {
			if k.ForeignKey == nil && managedConstraint(k) && !hasConstraint(want, k) {
				ops = append(ops, DropConstraint{Table: tn, Name: k.Name})
			}
		}
	}
	// Columns that go away.
	for _, tn := range from.order {
		if !kept(tn) {
			continue
		}
		for _, c := range from.tables[tn].Columns {
			if _, ok := to.tables[tn].Column(c.Name); !ok {
				ops = append(ops, DropColumn{Table: tn, Column: c.Name})
			}
		}
	}
	// Tables that go away: first the foreign keys between them, so they can
	// be dropped in any order.
	for _, tn := range from.order {
		if kept(tn) {
			continue
		}
		for _, k := range from.tables[tn].Constraints {
			if k.ForeignKey != nil && k.References != tn && !kept(k.References) {
				ops = append(ops, DropConstraint{Table: tn, Name: k.Name})
			}
		}
	}
	for _, tn := range from.order {
		if !kept(tn) {
			ops = append(ops, DropTable{Table: tn})
		}
	}
	// Columns that change.
	for _, tn := range from.order {
		if !kept(tn) {
			continue
		}
		for _, c := range from.tables[tn].Columns {
			if w, ok := to.tables[tn].Column(c.Name); ok {
				if op, changed := alterColumn(tn, c, *w); changed {
					ops = append(ops, op)
				}
			}
		}
	}
	// New tables, with their primary key.
	for _, tn := range to.order {
		if _, ok := from.tables[tn]; ok {
			continue
		}
		t := to.tables[tn]
		ct := CreateTable{Table: tn, Columns: append([]Column(nil), t.Columns...)}
		if pk, ok := t.PrimaryKey(); ok && pk.Name == pkeyName(tn) {
			ct.PrimaryKey = append([]string(nil), pk.PrimaryKey...)
		}
		ops = append(ops, ct)
	}
	// New columns.
	for _, tn := range to.order {
		old, ok := from.tables[tn]
		if !ok {
			continue
		}
		for _, c := range to.tables[tn].Columns {
			if _, ok := old.Column(c.Name); !ok {
				ops = append(ops, AddColumn{Table: tn, Column: c})
			}
		}
	}
	// New primary key and unique constraints, then indexes, then foreign keys.
	var idx, fks []Operation
	for _, tn := range to.order {
		t, old := to.tables[tn], from.tables[tn]
		created := old == nil
		for _, k := range t.Constraints {
			if !created && hasConstraint(old, k) {
				continue
			}
			if created && k.PrimaryKey != nil && k.Name == pkeyName(tn) {
				continue // in CreateTable
			}
			op := addConstraint(tn, k)
			if k.ForeignKey != nil {
				fks = append(fks, op)
			} else {
				ops = append(ops, op)
			}
		}
		for _, ix := range t.Indexes {
			if created || !hasIndex(old, ix) {
				idx = append(idx, AddIndex{Table: tn, Name: ix.Name, Columns: append([]string(nil), ix.Columns...),
					Unique: ix.Unique, Using: ix.Using, Where: ix.Where})
			}
		}
	}
	ops = append(ops, idx...)
	return append(ops, fks...)
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
