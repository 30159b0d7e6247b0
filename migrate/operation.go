package migrate

import (
	"fmt"
	"strings"
)

// Operation is one typed step of a migration: CreateTable, DropTable,
// AddColumn, DropColumn, AlterColumn, RenameTable, RenameColumn, AddIndex,
// DropIndex, AddConstraint, DropConstraint or RunSQL.
//
// An operation knows three things: how it changes the schema State (so
// migrations replay without a database), its forward SQL (which depends on
// the operation alone, so a migration's checksum changes only when the
// migration itself is edited) and its backward SQL (derived from the state it
// was applied to: a DropColumn is reversed by re-adding the column as it
// was). The set of operations is closed; RunSQL covers everything else.
type Operation interface {
	// Describe is a one-line summary for logs and lint: "AddColumn orders.note".
	Describe() string

	apply(s *State) error
	forward() []string
	backward(before *State) ([]string, error)
	// noTx says why the operation cannot run inside a transaction, "" when it can.
	noTx() string
}

// CreateTable creates a table with its columns and primary key (named
// <table>_pkey). Unique and foreign key constraints and indexes are separate
// operations, so a migration can create tables that reference each other.
type CreateTable struct {
	Table      string
	Columns    []Column
	PrimaryKey []string
}

func (op CreateTable) Describe() string { return "CreateTable " + op.Table }

func (op CreateTable) apply(s *State) error {
	if op.Table == "" {
		return fmt.Errorf("no table name")
	}
	if owner := s.relationOwner(op.Table); owner != "" {
		return fmt.Errorf("%s already exists", owner)
	}
	t := &Table{Name: op.Table}
	for _, c := range op.Columns {
		if err := checkColumn(c); err != nil {
			return err
		}
		if _, dup := t.Column(c.Name); dup {
			return fmt.Errorf("column %s given twice", c.Name)
		}
		t.Columns = append(t.Columns, c)
	}
	if len(op.PrimaryKey) > 0 {
		if err := t.requireColumns(op.PrimaryKey); err != nil {
			return fmt.Errorf("primary key: %w", err)
		}
		k := Constraint{Name: pkeyName(op.Table), PrimaryKey: append([]string(nil), op.PrimaryKey...)}
		if owner := s.relationOwner(k.Name); owner != "" {
			return fmt.Errorf("primary key %s: %s already exists", k.Name, owner)
		}
		t.Constraints = append(t.Constraints, k)
		notNullPK(t, op.PrimaryKey)
	}
	s.addTable(t)
	return nil
}

// notNullPK records what PostgreSQL does to primary key columns.
func notNullPK(t *Table, cols []string) {
	for _, name := range cols {
		c, _ := t.Column(name)
		c.Null = false
	}
}

func (op CreateTable) forward() []string {
	t := &Table{Name: op.Table, Columns: op.Columns}
	if len(op.PrimaryKey) > 0 {
		t.Constraints = []Constraint{{Name: pkeyName(op.Table), PrimaryKey: op.PrimaryKey}}
	}
	return []string{createTableSQL(t)}
}

func (op CreateTable) backward(*State) ([]string, error) {
	return []string{"DROP TABLE " + quoteIdent(op.Table)}, nil
}

func (CreateTable) noTx() string { return "" }

// DropTable drops a table. Foreign keys from other tables must be dropped
// first (DropConstraint): it never cascades. Reversing it recreates the table
// as it was, without its rows.
type DropTable struct {
	Table string
}

func (op DropTable) Describe() string { return "DropTable " + op.Table }

func (op DropTable) apply(s *State) error {
	if _, err := s.table(op.Table); err != nil {
		return err
	}
	for _, ref := range s.referencing(op.Table) {
		if ref[0] != op.Table {
			return fmt.Errorf("table %s is referenced by foreign key %s on %s: drop that constraint first", op.Table, ref[1], ref[0])
		}
	}
	s.removeTable(op.Table)
	return nil
}

func (op DropTable) forward() []string { return []string{"DROP TABLE " + quoteIdent(op.Table)} }

func (op DropTable) backward(before *State) ([]string, error) {
	t, err := before.table(op.Table)
	if err != nil {
		return nil, err
	}
	stmts := []string{createTableSQL(t)}
	for _, ix := range t.Indexes {
		stmts = append(stmts, createIndexSQL(t.Name, ix, false))
	}
	return stmts, nil
}

func (DropTable) noTx() string { return "" }

// RenameTable renames a table. Its constraints and indexes keep their names.
type RenameTable struct {
	From, To string
}

func (op RenameTable) Describe() string { return "RenameTable " + op.From + " -> " + op.To }

func (op RenameTable) apply(s *State) error {
	t, err := s.table(op.From)
	if err != nil {
		return err
	}
	if op.To == "" {
		return fmt.Errorf("no new name")
	}
	if owner := s.relationOwner(op.To); owner != "" {
		return fmt.Errorf("%s already exists", owner)
	}
	for _, other := range s.tables {
		for i := range other.Constraints {
			if other.Constraints[i].References == op.From {
				other.Constraints[i].References = op.To
			}
		}
	}
	delete(s.tables, op.From)
	t.Name = op.To
	s.tables[op.To] = t
	for i, n := range s.order {
		if n == op.From {
			s.order[i] = op.To
		}
	}
	return nil
}

func (op RenameTable) forward() []string {
	return []string{"ALTER TABLE " + quoteIdent(op.From) + " RENAME TO " + quoteIdent(op.To)}
}

func (op RenameTable) backward(*State) ([]string, error) {
	return RenameTable{From: op.To, To: op.From}.forward(), nil
}

func (RenameTable) noTx() string { return "" }

// checkColumn rejects definitions PostgreSQL would reject, so the error comes
// from replaying the migration, before anything runs.
func checkColumn(c Column) error {
	if c.Name == "" {
		return fmt.Errorf("a column without a name")
	}
	if strings.TrimSpace(c.Type) == "" {
		return fmt.Errorf("column %s has no type", c.Name)
	}
	if c.Identity && c.Null {
		return fmt.Errorf("column %s: an identity column cannot be Null", c.Name)
	}
	if c.Identity && c.Default != "" {
		return fmt.Errorf("column %s: an identity column cannot have a Default", c.Name)
	}
	return nil
}

func columnSQL(c Column) string {
	s := quoteIdent(c.Name) + " " + c.Type
	if !c.Null {
		s += " NOT NULL"
	}
	if c.Default != "" {
		s += " DEFAULT " + c.Default
	}
	if c.Identity {
		s += " GENERATED BY DEFAULT AS IDENTITY"
	}
	return s
}

func createTableSQL(t *Table) string {
	var lines []string
	for _, c := range t.Columns {
		lines = append(lines, "    "+columnSQL(c))
	}
	for _, k := range t.Constraints {
		lines = append(lines, "    CONSTRAINT "+quoteIdent(k.Name)+" "+constraintSQL(k))
	}
	return "CREATE TABLE " + quoteIdent(t.Name) + " (\n" + strings.Join(lines, ",\n") + "\n)"
}

func constraintSQL(k Constraint) string {
	switch {
	case k.PrimaryKey != nil:
		return "PRIMARY KEY (" + quoteIdents(k.PrimaryKey) + ")"
	case k.Unique != nil:
		return "UNIQUE (" + quoteIdents(k.Unique) + ")"
	case k.ForeignKey != nil:
		s := "FOREIGN KEY (" + quoteIdents(k.ForeignKey) + ") REFERENCES " + quoteIdent(k.References)
		if len(k.RefColumns) > 0 {
			s += " (" + quoteIdents(k.RefColumns) + ")"
		}
		if k.OnDelete != "" {
			s += " ON DELETE " + k.OnDelete
		}
		return s
	}
	return "CHECK (" + k.Check + ")"
}

func createIndexSQL(table string, ix Index, concurrently bool) string {
	s := "CREATE "
	if ix.Unique {
		s += "UNIQUE "
	}
	s += "INDEX "
	if concurrently {
		s += "CONCURRENTLY "
	}
	s += quoteIdent(ix.Name) + " ON " + quoteIdent(table)
	if ix.Using != "" {
		s += " USING " + ix.Using
	}
	s += " (" + quoteIdents(ix.Columns) + ")"
	if ix.Where != "" {
		s += " WHERE " + ix.Where
	}
	return s
}

func alterTable(table, action string) string {
	return "ALTER TABLE " + quoteIdent(table) + " " + action
}
