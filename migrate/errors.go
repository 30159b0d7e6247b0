package migrate

import (
	"fmt"
	"strings"
	"time"
)

// EditedError reports applied migrations whose files changed afterwards: the
// database holds what the old file did, and the new file would describe a
// schema that does not exist.
type EditedError struct {
	Edited []Edit
	Table  string
}

// Edit is one applied migration whose checksum no longer matches its file.
type Edit struct {
	Name         string
	Applied, Now string // the checksums in the history table and of the file
	AppliedAt    time.Time
}

func (e *EditedError) Error() string {
	var b strings.Builder
	for i, ed := range e.Edited {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "migrate: migration %s was edited after it was applied on %s (history checksum %.12s, file checksum %.12s)",
			ed.Name, ed.AppliedAt.Local().Format("2006-01-02 15:04"), ed.Applied, ed.Now)
	}
	b.WriteString(": revert the edit and put the change in a new migration, or, if the database already matches the edited file, record that with:")
	for _, ed := range e.Edited {
		fmt.Fprintf(&b, " UPDATE %s SET checksum = '%s' WHERE name = '%s';", e.Table, ed.Now, ed.Name)
	}
	return b.String()
}

// MigrationError is a migration that failed. The history table records it as
// failed; a transactional migration left the schema as it was, so it can be
// fixed and run again.
type MigrationError struct {
	Name      string
	Backward  bool   // failed while rolling back
	Statement string // the statement that failed
	Index     int    // its position in the migration's SQL, from 1
	// Transactional is false when the migration ran outside a transaction:
	// the statements before the failing one stay applied.
	Transactional bool
	// Attempts is how many times the migration (in a transaction) or the
	// statement (outside one) was tried: more than 1 after it gave up
	// waiting for a lock and was retried.
	Attempts int
	Err      error
}

func (e *MigrationError) Error() string {
	what := "migration"
	if e.Backward {
		what = "rolling back migration"
	}
	effect := "rolled back, the schema is unchanged"
	if !e.Transactional {
		effect = "it ran outside a transaction: the statements before this one stay applied"
	}
	msg := fmt.Sprintf("migrate: %s %s failed (%s) at statement %d: %s: %v", what, e.Name, effect, e.Index, e.Statement, e.Err)
	if lockNotAvailable(e.Err) {
		if e.Attempts > 1 {
			msg += fmt.Sprintf(" (tried %d times)", e.Attempts)
		}
		msg += ": another session holds a lock on what the statement changes (look for a long transaction in pg_stat_activity); " +
			"run it again when that is over, or wait longer with Runner.DDLLockTimeout / DDLRetries (-ddl-lock-timeout, -ddl-retries)"
	}
	return msg
}

// Unwrap returns the database error (a *pgconn.PgError, or an
// *orm.ConstraintError wrapping one).
func (e *MigrationError) Unwrap() error { return e.Err }
