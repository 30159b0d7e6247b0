// Package redact keeps row values out of the examples' logs. PostgreSQL
// quotes the offending values in a constraint violation's detail ("Key
// (email)=(ann@example.com) already exists.", "Failing row contains
// (...)") and in a data exception's message ("invalid input syntax for
// type integer: \"12a\""), and eager's errors carry that text; a log line
// or an HTTP response is no place for a customer's email address.
package redact

import (
	"errors"
	"fmt"
	"strings"

	"github.com/eagerorm/eager/orm"
	"github.com/jackc/pgx/v5/pgconn"
)

// Error returns err's text with the part PostgreSQL wrote replaced by what
// names the problem without the data: for a constraint violation its kind,
// table, column and constraint; for a data exception (SQLSTATE class 22)
// its code, table and column. What the program wrapped around it (the
// "seeding orders: " before it) is kept. Any other error is returned as is.
func Error(err error) string {
	if err == nil {
		return ""
	}
	var ce *orm.ConstraintError
	var pg *pgconn.PgError
	var inner error
	var safe string
	switch {
	case errors.As(err, &ce):
		inner, safe = ce, fmt.Sprintf("%v on %s", ce.Kind, where(ce.Table, ce.Column, ce.Constraint))
	case errors.As(err, &pg) && (strings.HasPrefix(pg.Code, "22") || strings.HasPrefix(pg.Code, "23")):
		inner, safe = pg, fmt.Sprintf("PostgreSQL error %s on %s", pg.Code, where(pg.TableName, pg.ColumnName, pg.ConstraintName))
	default:
		return err.Error()
	}
	// Keep the context the program wrapped around the error, when the
	// wrapping is a prefix (fmt.Errorf("...: %w", err)).
	prefix, ok := strings.CutSuffix(err.Error(), inner.Error())
	if !ok {
		prefix = ""
	}
	return prefix + safe
}

func where(table, column, constraint string) string {
	s := table
	if s == "" {
		s = "a table"
	}
	if column != "" {
		s += "." + column
	}
	if constraint != "" {
		s += " (constraint " + constraint + ")"
	}
	return s
}
