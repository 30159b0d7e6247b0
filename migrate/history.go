package migrate

import (
	"context"
	"fmt"
	"time"

	sq "github.com/Masterminds/squirrel"

	"github.com/eagerorm/eager/internal/sqlgen"
	"github.com/eagerorm/eager/orm"
)

// DefaultHistoryTable is where applied migrations are recorded, in the
// schema the migrations run in (current_schema()).
const DefaultHistoryTable = "eager_migrations"

// The history row's status.
const (
	StatusApplied = "applied"
	StatusFailed  = "failed"
	// StatusPending and the two below are reported by Status only, never
	// stored: a migration with no row, an applied one whose file changed
	// since, and a row whose migration file is gone.
	StatusPending = "pending"
	StatusEdited  = "edited"
	StatusUnknown = "unknown"
)

type historyRow struct {
	Name      string
	Checksum  string
	Status    string
	AppliedAt time.Time
	Duration  time.Duration
	Error     string
}

// history is the history table in one schema.
type history struct {
	schema, table string
}

func (h history) ident() string { return quoteIdent(h.schema) + "." + quoteIdent(h.table) }

// squirrelIdent is ident for statements squirrel finishes (a ? in a name
// written ??, so the placeholder pass leaves it alone).
func (h history) squirrelIdent() string { return sqlgen.Col(h.schema, h.table) }

// create makes the table if it is missing. It runs under the migration lock:
// two concurrent CREATE TABLE IF NOT EXISTS can still collide on the table's
// row type.
func (h history) create(ctx context.Context, db *orm.DB) error {
	_, err := db.Exec(ctx, `CREATE TABLE IF NOT EXISTS `+h.ident()+` (
    name text PRIMARY KEY,
    checksum text NOT NULL,
    status text NOT NULL CHECK (status IN ('applied', 'failed')),
    applied_at timestamptz NOT NULL DEFAULT now(),
    duration interval NOT NULL,
    error text NOT NULL DEFAULT ''
)`)
	if err != nil {
		return fmt.Errorf("migrate: creating the history table %s: %w", h.ident(), err)
	}
	return nil
}

// read returns the rows by name; a missing table reads as empty, so status
// and dry runs work on a database nothing has been applied to.
func (h history) read(ctx context.Context, db *orm.DB) (map[string]historyRow, error) {
	var exists bool
	if err := db.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", h.ident()).Scan(&exists); err != nil {
		return nil, fmt.Errorf("migrate: reading the history table: %w", err)
	}
	out := map[string]historyRow{}
	if !exists {
		return out, nil
	}
	rows, err := db.Query(ctx, "SELECT name, checksum, status, applied_at, duration, error FROM "+h.ident()+" ORDER BY name")
	if err != nil {
		return nil, fmt.Errorf("migrate: reading the history table: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r historyRow
		if err := rows.Scan(&r.Name, &r.Checksum, &r.Status, &r.AppliedAt, &r.Duration, &r.Error); err != nil {
			return nil, fmt.Errorf("migrate: reading the history table: %w", err)
		}
		out[r.Name] = r
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("migrate: reading the history table: %w", err)
	}
	return out, nil
}

func (h history) record(ctx context.Context, db *orm.DB, name, checksum, status string, d time.Duration, errText string) error {
	sql, args, err := sqlgen.Builder.Insert(h.squirrelIdent()).
		Columns("name", "checksum", "status", "applied_at", "duration", "error").
		Values(name, checksum, status, sq.Expr("now()"), d, errText).
		Suffix(`ON CONFLICT (name) DO UPDATE SET checksum = EXCLUDED.checksum, status = EXCLUDED.status,
    applied_at = EXCLUDED.applied_at, duration = EXCLUDED.duration, error = EXCLUDED.error`).
		ToSql()
	if err == nil {
		_, err = db.Exec(ctx, sql, args...)
	}
	if err != nil {
		return fmt.Errorf("migrate: recording %s as %s: %w", name, status, err)
	}
	return nil
}

func (h history) remove(ctx context.Context, db *orm.DB, name string) error {
	sql, args, err := sqlgen.Builder.Delete(h.squirrelIdent()).Where(sq.Eq{"name": name}).ToSql()
	if err == nil {
		_, err = db.Exec(ctx, sql, args...)
	}
	if err != nil {
		return fmt.Errorf("migrate: removing %s from the history: %w", name, err)
	}
	return nil
}
