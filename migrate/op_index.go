package migrate

import (
	"fmt"
	"slices"
	"strings"
)

// AddIndex creates an index. With Concurrently it is built without blocking
// writes (CREATE INDEX CONCURRENTLY), which PostgreSQL cannot do inside a
// transaction: the migration holding it runs outside one.
type AddIndex struct {
	Table   string
	Name    string
	Columns []string
	Unique  bool
	Using   string // access method ("gin", "brin"); "" is btree
	Where   string // predicate of a partial index
	// Concurrently builds the index without locking out writes. The forward
	// SQL first drops an index of the same name if one exists: a failed
	// concurrent build leaves an INVALID index behind, and without the drop a
	// re-run after fixing the cause would fail on the name.
	Concurrently bool
}

func (op AddIndex) Describe() string {
	s := "AddIndex " + op.Name + " on " + op.Table + " (" + strings.Join(op.Columns, ", ") + ")"
	if op.Concurrently {
		s += " concurrently"
	}
	return s
}

func (op AddIndex) index() Index {
	return Index{Name: op.Name, Columns: slices.Clone(op.Columns), Unique: op.Unique, Using: op.Using, Where: op.Where}
}

func (op AddIndex) apply(s *State) error {
	t, err := s.table(op.Table)
	if err != nil {
		return err
	}
	if op.Name == "" {
		return fmt.Errorf("no index name")
	}
	if owner := s.relationOwner(op.Name); owner != "" {
		return fmt.Errorf("%s already exists", owner)
	}
	if err := t.requireColumns(op.Columns); err != nil {
		return err
	}
	t.Indexes = append(t.Indexes, op.index())
	return nil
}

func (op AddIndex) forward() []string {
	create := createIndexSQL(op.Table, op.index(), op.Concurrently)
	if !op.Concurrently {
		return []string{create}
	}
	return []string{"DROP INDEX CONCURRENTLY IF EXISTS " + quoteIdent(op.Name), create}
}

func (op AddIndex) backward(*State) ([]string, error) {
	return []string{dropIndexSQL(op.Name, op.Concurrently)}, nil
}

func (op AddIndex) noTx() string {
	if op.Concurrently {
		return "CREATE INDEX CONCURRENTLY " + op.Name
	}
	return ""
}

func dropIndexSQL(name string, concurrently bool) string {
	if concurrently {
		return "DROP INDEX CONCURRENTLY " + quoteIdent(name)
	}
	return "DROP INDEX " + quoteIdent(name)
}

// DropIndex drops an index created by AddIndex (constraints' indexes go with
// DropConstraint).
type DropIndex struct {
	Table        string
	Name         string
	Concurrently bool
}

func (op DropIndex) Describe() string {
	s := "DropIndex " + op.Name + " on " + op.Table
	if op.Concurrently {
		s += " concurrently"
	}
	return s
}

func (op DropIndex) apply(s *State) error {
	t, i, ok := s.findIndex(op.Name)
	if !ok {
		return fmt.Errorf("no index %s", op.Name)
	}
	if op.Table != "" && t.Name != op.Table {
		return fmt.Errorf("index %s is on table %s, not %s", op.Name, t.Name, op.Table)
	}
	t.Indexes = slices.Delete(t.Indexes, i, i+1)
	return nil
}

func (op DropIndex) forward() []string { return []string{dropIndexSQL(op.Name, op.Concurrently)} }

func (op DropIndex) backward(before *State) ([]string, error) {
	t, i, ok := before.findIndex(op.Name)
	if !ok {
		return nil, fmt.Errorf("no index %s", op.Name)
	}
	return []string{createIndexSQL(t.Name, t.Indexes[i], op.Concurrently)}, nil
}

func (op DropIndex) noTx() string {
	if op.Concurrently {
		return "DROP INDEX CONCURRENTLY " + op.Name
	}
	return ""
}

// AddConstraint adds a table constraint. Exactly one of PrimaryKey, Unique,
// Check and ForeignKey is set; a foreign key names References (the table)
// and RefColumns (its primary key when empty).
type AddConstraint struct {
	Table      string
	Name       string
	PrimaryKey []string
	Unique     []string
	Check      string
	ForeignKey []string
	References string
	RefColumns []string
	// OnDelete is the foreign key's ON DELETE action: "CASCADE", "SET NULL",
	// "RESTRICT", "SET DEFAULT"; "" is NO ACTION.
	OnDelete string
}

func (op AddConstraint) Describe() string {
	k := op.constraint()
	s := "AddConstraint " + op.Name + " on " + op.Table + " " + k.kind()
	if cols := k.columns(); cols != nil {
		s += " (" + strings.Join(cols, ", ") + ")"
	}
	if k.ForeignKey != nil {
		s += " -> " + k.References
	}
	return s
}

func (op AddConstraint) constraint() Constraint {
	return Constraint{Name: op.Name, PrimaryKey: slices.Clone(op.PrimaryKey), Unique: slices.Clone(op.Unique),
		Check: op.Check, ForeignKey: slices.Clone(op.ForeignKey), References: op.References,
		RefColumns: slices.Clone(op.RefColumns), OnDelete: op.OnDelete}
}

var onDeleteActions = []string{"", "CASCADE", "SET NULL", "RESTRICT", "NO ACTION", "SET DEFAULT"}

func (op AddConstraint) apply(s *State) error {
	t, err := s.table(op.Table)
	if err != nil {
		return err
	}
	k := op.constraint()
	if op.Name == "" {
		return fmt.Errorf("no constraint name")
	}
	if _, dup := t.constraint(op.Name); dup {
		return fmt.Errorf("table %s already has a constraint %s", op.Table, op.Name)
	}
	set := 0
	for _, b := range []bool{k.PrimaryKey != nil, k.Unique != nil, k.Check != "", k.ForeignKey != nil} {
		if b {
			set++
		}
	}
	if set != 1 {
		return fmt.Errorf("constraint %s: set exactly one of PrimaryKey, Unique, Check and ForeignKey", op.Name)
	}
	if k.ForeignKey == nil && (k.References != "" || k.RefColumns != nil || k.OnDelete != "") {
		return fmt.Errorf("constraint %s: References, RefColumns and OnDelete go with ForeignKey", op.Name)
	}
	if k.hasIndex() {
		if owner := s.relationOwner(op.Name); owner != "" {
			return fmt.Errorf("%s already exists", owner)
		}
	}
	if cols := k.columns(); cols != nil {
		if err := t.requireColumns(cols); err != nil {
			return fmt.Errorf("constraint %s: %w", op.Name, err)
		}
	}
	switch {
	case k.PrimaryKey != nil:
		if pk, ok := t.PrimaryKey(); ok {
			return fmt.Errorf("table %s already has a primary key (%s)", op.Table, pk.Name)
		}
		notNullPK(t, k.PrimaryKey)
	case k.ForeignKey != nil:
		if err := s.checkReference(t, &k); err != nil {
			return fmt.Errorf("constraint %s: %w", op.Name, err)
		}
	}
	t.Constraints = append(t.Constraints, k)
	return nil
}

// checkReference does PostgreSQL's checks on a foreign key, and fills in
// RefColumns from the referenced primary key when they are left out, as the
// server does.
func (s *State) checkReference(t *Table, k *Constraint) error {
	if !slices.Contains(onDeleteActions, k.OnDelete) {
		return fmt.Errorf("OnDelete %q: want one of CASCADE, SET NULL, RESTRICT, NO ACTION, SET DEFAULT", k.OnDelete)
	}
	if k.OnDelete == "NO ACTION" {
		k.OnDelete = "" // the default; one spelling, so states compare equal
	}
	ref, err := s.table(k.References)
	if err != nil {
		return err
	}
	if ref.Name == t.Name {
		ref = t
	}
	if len(k.RefColumns) == 0 {
		pk, ok := ref.PrimaryKey()
		if !ok {
			return fmt.Errorf("table %s has no primary key to reference", ref.Name)
		}
		k.RefColumns = slices.Clone(pk.PrimaryKey)
	}
	if err := ref.requireColumns(k.RefColumns); err != nil {
		return err
	}
	if len(k.RefColumns) != len(k.ForeignKey) {
		return fmt.Errorf("%d columns reference %d", len(k.ForeignKey), len(k.RefColumns))
	}
	if !ref.uniqueOn(k.RefColumns) {
		return fmt.Errorf("no primary key or unique constraint on %s (%s) to reference",
			ref.Name, strings.Join(k.RefColumns, ", "))
	}
	return nil
}

// uniqueOn reports whether a primary key, unique constraint or full unique
// index covers exactly cols, as a referenced key must.
func (t *Table) uniqueOn(cols []string) bool {
	same := func(a []string) bool {
		if len(a) != len(cols) {
			return false
		}
		for _, c := range a {
			if !slices.Contains(cols, c) {
				return false
			}
		}
		return true
	}
	for _, k := range t.Constraints {
		if (k.PrimaryKey != nil && same(k.PrimaryKey)) || (k.Unique != nil && same(k.Unique)) {
			return true
		}
	}
	for _, ix := range t.Indexes {
		if ix.Unique && ix.Where == "" && same(ix.Columns) {
			return true
		}
	}
	return false
}

func (op AddConstraint) forward() []string {
	return []string{alterTable(op.Table, "ADD CONSTRAINT "+quoteIdent(op.Name)+" "+constraintSQL(op.constraint()))}
}

func (op AddConstraint) backward(*State) ([]string, error) {
	return DropConstraint{Table: op.Table, Name: op.Name}.forward(), nil
}

func (AddConstraint) noTx() string { return "" }

// DropConstraint drops a table constraint. A primary key or unique
// constraint that a foreign key references must lose that foreign key first.
type DropConstraint struct {
	Table string
	Name  string
}

func (op DropConstraint) Describe() string { return "DropConstraint " + op.Name + " on " + op.Table }

func (op DropConstraint) apply(s *State) error {
	t, err := s.table(op.Table)
	if err != nil {
		return err
	}
	i, ok := t.constraint(op.Name)
	if !ok {
		return fmt.Errorf("table %s has no constraint %s", op.Table, op.Name)
	}
	k := t.Constraints[i]
	if k.hasIndex() {
		for _, ref := range s.referencing(op.Table, k.columns()...) {
			if rt := s.tables[ref[0]]; ref != [2]string{op.Table, op.Name} {
				j, _ := rt.constraint(ref[1])
				fk := rt.Constraints[j]
				t.Constraints = slices.Delete(t.Constraints, i, i+1)
				stillUnique := t.uniqueOn(fk.RefColumns)
				t.Constraints = slices.Insert(t.Constraints, i, k)
				if !stillUnique {
					return fmt.Errorf("constraint %s is referenced by foreign key %s on %s: drop that first", op.Name, ref[1], ref[0])
				}
			}
		}
	}
	t.Constraints = slices.Delete(t.Constraints, i, i+1)
	return nil
}

func (op DropConstraint) forward() []string {
	return []string{alterTable(op.Table, "DROP CONSTRAINT "+quoteIdent(op.Name))}
}

func (op DropConstraint) backward(before *State) ([]string, error) {
	t, err := before.table(op.Table)
	if err != nil {
		return nil, err
	}
	i, ok := t.constraint(op.Name)
	if !ok {
		return nil, fmt.Errorf("table %s has no constraint %s", op.Table, op.Name)
	}
	return []string{alterTable(op.Table, "ADD CONSTRAINT "+quoteIdent(op.Name)+" "+constraintSQL(t.Constraints[i]))}, nil
}

func (DropConstraint) noTx() string { return "" }
