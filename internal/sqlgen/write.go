package sqlgen

import (
	"fmt"

	sq "github.com/Masterminds/squirrel"
)

// Default is the DEFAULT keyword as an INSERT value: the column takes its
// server default (an identity's next value) in this row.
var Default sq.Sqlizer = sq.Expr("DEFAULT")

// Insert starts INSERT INTO table (cols): the caller adds rows with Values
// (Default for a column the server fills), then clauses with Suffix (an ON
// CONFLICT, then D.Returning).
func Insert(table string, cols []string) sq.InsertBuilder {
	return Builder.Insert(Ident(table)).Columns(Idents(cols)...)
}

// Update starts UPDATE table; the caller adds SET and WHERE.
func Update(table string) sq.UpdateBuilder { return Builder.Update(Ident(table)) }

// Delete starts DELETE FROM table; the caller adds WHERE.
func Delete(table string) sq.DeleteBuilder { return Builder.Delete(Ident(table)) }

// Equals is the condition column = value, for WHERE. Not squirrel.Eq: Eq
// reads an array or slice value (a [16]byte uuid, a []byte key) as a list
// and writes IN.
func Equals(column string, v any) sq.Sqlizer { return sq.Expr(Ident(column)+" = ?", v) }

// CheckValue refuses a value that squirrel would splice into the statement
// as SQL text (a squirrel.Sqlizer, which squirrel inlines wherever it meets
// one, even among arguments): a value sent must be data.
func CheckValue(v any) error {
	if _, ok := v.(sq.Sqlizer); ok {
		return fmt.Errorf("%T renders SQL of its own (squirrel.Sqlizer); a value must be data", v)
	}
	return nil
}
