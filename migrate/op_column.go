package migrate

import (
	"fmt"
	"slices"
	"strings"
)

// AddColumn adds a column to an existing table.
type AddColumn struct {
	Table  string
	Column Column
}

func (op AddColumn) Describe() string { return "AddColumn " + op.Table + "." + op.Column.Name }

func (op AddColumn) apply(s *State) error {
	t, err := s.table(op.Table)
	if err != nil {
		return err
	}
	if err := checkColumn(op.Column); err != nil {
		return err
	}
	if _, dup := t.Column(op.Column.Name); dup {
		return fmt.Errorf("table %s already has a column %s", op.Table, op.Column.Name)
	}
	t.Columns = append(t.Columns, op.Column)
	return nil
}

func (op AddColumn) forward() []string {
	return []string{alterTable(op.Table, "ADD COLUMN "+columnSQL(op.Column))}
}

func (op AddColumn) backward(*State) ([]string, error) {
	return []string{alterTable(op.Table, "DROP COLUMN "+quoteIdent(op.Column.Name))}, nil
}

func (AddColumn) noTx() string { return "" }

// DropColumn drops a column, and with it (as PostgreSQL does) the indexes and
// constraints of its table that cover it; a foreign key from another table
// that references it must be dropped first. Reversing it re-adds the column
// and those indexes and constraints, without the data: a NOT NULL column of
// a common type without a default is refilled with its type's zero value
// (an empty string, 0, false, an empty array).
type DropColumn struct {
	Table  string
	Column string
}

func (op DropColumn) Describe() string { return "DropColumn " + op.Table + "." + op.Column }

func (op DropColumn) apply(s *State) error {
	t, err := s.table(op.Table)
	if err != nil {
		return err
	}
	if _, err := t.column(op.Column); err != nil {
		return err
	}
	for _, ref := range s.referencing(op.Table, op.Column) {
		if ref[0] != op.Table {
			return fmt.Errorf("column %s.%s is referenced by foreign key %s on %s: drop that constraint first",
				op.Table, op.Column, ref[1], ref[0])
		}
	}
	if len(t.Columns) == 1 {
		return fmt.Errorf("column %s is the last column of %s: drop the table instead", op.Column, op.Table)
	}
	t.Columns = slices.DeleteFunc(t.Columns, func(c Column) bool { return c.Name == op.Column })
	t.Indexes = slices.DeleteFunc(t.Indexes, func(ix Index) bool { return indexUses(ix, op.Column) })
	t.Constraints = slices.DeleteFunc(t.Constraints, func(k Constraint) bool {
		return slices.Contains(k.columns(), op.Column) || (k.Check != "" && mentions(k.Check, op.Column))
	})
	return nil
}

func indexUses(ix Index, column string) bool {
	return slices.Contains(ix.Columns, column) || mentions(ix.Where, column)
}

// mentions reports whether an SQL expression uses the identifier: it decides
// which CHECK constraints PostgreSQL drops with a column. A word match on the
// expression text is exact for the identifiers makemigrations writes.
func mentions(expr, ident string) bool {
	isWord := func(b byte) bool {
		return b == '_' || b == '$' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
	}
	for i := 0; ; {
		j := strings.Index(expr[i:], ident)
		if j < 0 {
			return false
		}
		j += i
		end := j + len(ident)
		if (j == 0 || !isWord(expr[j-1])) && (end == len(expr) || !isWord(expr[end])) {
			return true
		}
		i = j + 1
	}
}

func (op DropColumn) forward() []string {
	return []string{alterTable(op.Table, "DROP COLUMN "+quoteIdent(op.Column))}
}

func (op DropColumn) backward(before *State) ([]string, error) {
	t, err := before.table(op.Table)
	if err != nil {
		return nil, err
	}
	c, err := t.column(op.Column)
	if err != nil {
		return nil, err
	}
	var stmts []string
	if zero, ok := zeroValue(c.Type); ok && !c.Null && c.Default == "" && !c.Identity {
		// The data is gone; the structure can come back. A NOT NULL column
		// without a default cannot be added to a table with rows, so it is
		// added with a placeholder default that fills them (as Django does)
		// and the default is dropped again.
		tmp := *c
		tmp.Default = zero
		stmts = append(stmts, alterTable(op.Table, "ADD COLUMN "+columnSQL(tmp)),
			alterTable(op.Table, "ALTER COLUMN "+quoteIdent(c.Name)+" DROP DEFAULT"))
	} else {
		stmts = append(stmts, alterTable(op.Table, "ADD COLUMN "+columnSQL(*c)))
	}
	for _, k := range t.Constraints {
		if slices.Contains(k.columns(), op.Column) || (k.Check != "" && mentions(k.Check, op.Column)) {
			stmts = append(stmts, alterTable(op.Table, "ADD CONSTRAINT "+quoteIdent(k.Name)+" "+constraintSQL(k)))
		}
	}
	for _, ix := range t.Indexes {
		if indexUses(ix, op.Column) {
			stmts = append(stmts, createIndexSQL(op.Table, ix, false))
		}
	}
	return stmts, nil
}

func (DropColumn) noTx() string { return "" }

// AlterColumn changes a column's type, nullability, default or identity. Only
// the fields that are set change; they are sent as one ALTER TABLE, so a type
// change and a new default rewrite the table once.
type AlterColumn struct {
	Table  string
	Column string
	// Type is the new type; "" keeps the current one.
	Type string
	// Using converts existing values for a Type change ("total::numeric(12,2)");
	// "" lets PostgreSQL cast.
	Using       string
	SetNotNull  bool
	DropNotNull bool
	// SetDefault is the new default, a raw SQL expression.
	SetDefault   string
	DropDefault  bool
	AddIdentity  bool
	DropIdentity bool
}

func (op AlterColumn) Describe() string {
	return "AlterColumn " + op.Table + "." + op.Column + " (" + strings.Join(op.changes(), ", ") + ")"
}

func (op AlterColumn) changes() []string {
	var ch []string
	if op.Type != "" {
		ch = append(ch, "type "+op.Type)
	}
	if op.SetNotNull {
		ch = append(ch, "NOT NULL")
	}
	if op.DropNotNull {
		ch = append(ch, "NULL")
	}
	if op.SetDefault != "" {
		ch = append(ch, "default "+op.SetDefault)
	}
	if op.DropDefault {
		ch = append(ch, "no default")
	}
	if op.AddIdentity {
		ch = append(ch, "identity")
	}
	if op.DropIdentity {
		ch = append(ch, "no identity")
	}
	return ch
}

func (op AlterColumn) apply(s *State) error {
	t, err := s.table(op.Table)
	if err != nil {
		return err
	}
	c, err := t.column(op.Column)
	if err != nil {
		return err
	}
	switch {
	case len(op.changes()) == 0:
		return fmt.Errorf("nothing to change: set Type, SetNotNull, DropNotNull, SetDefault, DropDefault, AddIdentity or DropIdentity")
	case op.SetNotNull && op.DropNotNull:
		return fmt.Errorf("both SetNotNull and DropNotNull")
	case op.SetDefault != "" && op.DropDefault:
		return fmt.Errorf("both SetDefault and DropDefault")
	case op.AddIdentity && op.DropIdentity:
		return fmt.Errorf("both AddIdentity and DropIdentity")
	case op.Using != "" && op.Type == "":
		return fmt.Errorf("a Using expression without a Type")
	}
	next := *c
	if op.Type != "" {
		next.Type = op.Type
	}
	if op.SetNotNull {
		next.Null = false
	}
	if op.DropNotNull {
		if pk, ok := t.PrimaryKey(); ok && slices.Contains(pk.PrimaryKey, op.Column) {
			return fmt.Errorf("column %s is in the primary key, which cannot be NULL", op.Column)
		}
		next.Null = true
	}
	if op.SetDefault != "" {
		next.Default = op.SetDefault
	}
	if op.DropDefault {
		next.Default = ""
	}
	if op.AddIdentity {
		if c.Identity {
			return fmt.Errorf("column %s is already an identity column", op.Column)
		}
		next.Identity = true
	}
	if op.DropIdentity {
		if !c.Identity {
			return fmt.Errorf("column %s is not an identity column", op.Column)
		}
		next.Identity = false
	}
	if err := checkColumn(next); err != nil {
		return err
	}
	*c = next
	return nil
}

func (op AlterColumn) forward() []string {
	col := "ALTER COLUMN " + quoteIdent(op.Column) + " "
	var actions []string
	// Order matters inside one ALTER TABLE: an old default may not cast to the
	// new type, and identity needs NOT NULL first.
	if op.DropDefault {
		actions = append(actions, col+"DROP DEFAULT")
	}
	if op.DropIdentity {
		actions = append(actions, col+"DROP IDENTITY")
	}
	if op.Type != "" {
		a := col + "TYPE " + op.Type
		if op.Using != "" {
			a += " USING " + op.Using
		}
		actions = append(actions, a)
	}
	if op.SetDefault != "" {
		actions = append(actions, col+"SET DEFAULT "+op.SetDefault)
	}
	if op.DropNotNull {
		actions = append(actions, col+"DROP NOT NULL")
	}
	if op.SetNotNull {
		actions = append(actions, col+"SET NOT NULL")
	}
	if op.AddIdentity {
		actions = append(actions, col+"ADD GENERATED BY DEFAULT AS IDENTITY")
	}
	return []string{alterTable(op.Table, strings.Join(actions, ", "))}
}

func (op AlterColumn) backward(before *State) ([]string, error) {
	t, err := before.table(op.Table)
	if err != nil {
		return nil, err
	}
	c, err := t.column(op.Column)
	if err != nil {
		return nil, err
	}
	inv := AlterColumn{Table: op.Table, Column: op.Column}
	if op.Type != "" {
		inv.Type = c.Type
	}
	if op.SetNotNull && c.Null {
		inv.DropNotNull = true
	}
	if op.DropNotNull && !c.Null {
		inv.SetNotNull = true
	}
	if op.SetDefault != "" || op.DropDefault {
		if c.Default == "" {
			inv.DropDefault = op.SetDefault != ""
		} else {
			inv.SetDefault = c.Default
		}
	}
	inv.DropIdentity = op.AddIdentity
	inv.AddIdentity = op.DropIdentity
	if len(inv.changes()) == 0 {
		return nil, nil // the change was a no-op on that state
	}
	return inv.forward(), nil
}

func (AlterColumn) noTx() string { return "" }

// RenameColumn renames a column; indexes and constraints follow it.
type RenameColumn struct {
	Table    string
	From, To string
}

func (op RenameColumn) Describe() string {
	return "RenameColumn " + op.Table + "." + op.From + " -> " + op.To
}

func (op RenameColumn) apply(s *State) error {
	t, err := s.table(op.Table)
	if err != nil {
		return err
	}
	c, err := t.column(op.From)
	if err != nil {
		return err
	}
	if op.To == "" {
		return fmt.Errorf("no new name")
	}
	if _, dup := t.Column(op.To); dup {
		return fmt.Errorf("table %s already has a column %s", op.Table, op.To)
	}
	c.Name = op.To
	rename := func(cols []string) {
		for i := range cols {
			if cols[i] == op.From {
				cols[i] = op.To
			}
		}
	}
	for i := range t.Indexes {
		rename(t.Indexes[i].Columns)
	}
	for i := range t.Constraints {
		rename(t.Constraints[i].columns())
	}
	for _, other := range s.tables {
		for i := range other.Constraints {
			if other.Constraints[i].References == op.Table {
				rename(other.Constraints[i].RefColumns)
			}
		}
	}
	return nil
}

func (op RenameColumn) forward() []string {
	return []string{alterTable(op.Table, "RENAME COLUMN "+quoteIdent(op.From)+" TO "+quoteIdent(op.To))}
}

func (op RenameColumn) backward(*State) ([]string, error) {
	return RenameColumn{Table: op.Table, From: op.To, To: op.From}.forward(), nil
}

func (RenameColumn) noTx() string { return "" }
