package orm

import (
	"errors"
	"fmt"

	"github.com/eagerorm/eager/internal/schema"
	"github.com/eagerorm/eager/internal/sqlgen"
	"github.com/jackc/pgx/v5/pgconn"
)

// Sentinel errors. Test with errors.Is; the *pgconn.PgError behind a
// constraint violation stays reachable with errors.As.
var (
	// ErrNoRows: Get found nothing, or an Update or Delete matched no row.
	ErrNoRows = errors.New("orm: no rows")
	// ErrMultipleRows: Get matched more than one row.
	ErrMultipleRows = errors.New("orm: multiple rows")
	// ErrNilDB: a statement or write was asked of a nil *DB (a handle never
	// opened, or a struct field left unset). It is an error, never a panic.
	ErrNilDB = errors.New("orm: nil *orm.DB (open one with orm.Open or orm.New)")
	// ErrRelationNotWritten: Insert or Update was given a row whose to-many
	// or reverse relation holds rows they would not write (they write the
	// row's own columns only).
	ErrRelationNotWritten = errors.New("orm: relation rows not written")
	// ErrUnsavedRelated: a ForeignKey or OneToOne about to be written points
	// at a row that was never saved (its generated key is still zero).
	ErrUnsavedRelated = errors.New("orm: related row not saved")

	ErrUniqueViolation     = errors.New("orm: unique violation")      // SQLSTATE 23505
	ErrForeignKeyViolation = errors.New("orm: foreign key violation") // SQLSTATE 23503
	ErrNotNullViolation    = errors.New("orm: not null violation")    // SQLSTATE 23502
	ErrCheckViolation      = errors.New("orm: check violation")       // SQLSTATE 23514
)

// constraintSentinels names each constraint kind the dialect recognises in
// a server error code.
var constraintSentinels = [...]error{
	sqlgen.UniqueViolation:     ErrUniqueViolation,
	sqlgen.ForeignKeyViolation: ErrForeignKeyViolation,
	sqlgen.NotNullViolation:    ErrNotNullViolation,
	sqlgen.CheckViolation:      ErrCheckViolation,
}

// ConstraintError is a statement PostgreSQL rejected for breaking a
// constraint. errors.Is matches the sentinel for its kind; errors.As reaches
// the *pgconn.PgError.
type ConstraintError struct {
	Kind       error // one of the Err*Violation sentinels
	Table      string
	Column     string
	Constraint string
	Err        *pgconn.PgError
}

func (e *ConstraintError) Error() string {
	where := e.Table
	if e.Column != "" {
		where += "." + e.Column
	}
	if e.Constraint != "" {
		where += " (constraint " + e.Constraint + ")"
	}
	return fmt.Sprintf("%v on %s: %s", e.Kind, where, e.Err.Message+detail(e.Err))
}

func detail(pg *pgconn.PgError) string {
	if pg.Detail == "" {
		return ""
	}
	return ": " + pg.Detail
}

// Is reports whether target is the sentinel for this violation.
func (e *ConstraintError) Is(target error) bool { return target == e.Kind }

// Unwrap returns the PostgreSQL error.
func (e *ConstraintError) Unwrap() error { return e.Err }

// translate turns constraint violations into *ConstraintError and leaves
// every other error as pgx returned it.
func translate(err error) error {
	if err == nil {
		return nil
	}
	var ce *ConstraintError
	if errors.As(err, &ce) {
		return err
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		if v := sqlgen.D.Violation(pg.Code); v != sqlgen.NoViolation {
			return &ConstraintError{Kind: constraintSentinels[v], Table: pg.TableName, Column: pg.ColumnName,
				Constraint: pg.ConstraintName, Err: pg}
		}
	}
	return err
}

// ModelError is a struct that cannot be used as a model, or a field of one
// that cannot be mapped (every terminal method of a QuerySet over it, and
// every write of it, returns it). Its fields: Model (the Go type name),
// Field (the Go field name, "" for errors about the whole type), Msg, and
// Err, the underlying cause when there is one (a broken relation target,
// reachable with errors.Unwrap). Test with errors.As.
type ModelError = schema.ModelError

// FieldError is a field name, lookup or value a caller passed that does not
// fit the model: an unknown field, a lookup the field's type does not
// support, a value of the wrong type. Its fields: Model, Field (the name as
// the caller wrote it), Value (the offending value, when a value was the
// problem), Msg, Choices (the valid names, for an unknown field) and
// Suggest (the closest valid name, if any). Test with errors.As.
type FieldError = schema.FieldError
