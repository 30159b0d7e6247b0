package migrate

import (
	"fmt"
	"regexp"
	"strings"
)

// RunSQL runs hand-written SQL: data migrations, enum types, triggers,
// anything the typed operations do not cover. Forward and Backward may hold
// several statements separated by semicolons (see SplitSQL); each is sent
// with its own Exec.
//
// Backward "" makes the migration irreversible: rollback refuses it before
// running anything. Use Noop when undoing needs no SQL.
type RunSQL struct {
	Forward  string
	Backward string
	// State lists operations the SQL performs as far as the schema state is
	// concerned (a table created by hand, say). They are replayed into the
	// state, so makemigrations knows about them, but never run.
	State []Operation
	// NoTransaction runs the migration outside a transaction. It is implied by
	// statements PostgreSQL refuses in one (CREATE/DROP INDEX CONCURRENTLY,
	// REINDEX CONCURRENTLY, VACUUM, ...) and by ALTER TYPE ... ADD VALUE,
	// whose new value cannot be used until the transaction that added it
	// commits.
	NoTransaction bool
}

// Noop is a Backward (or Forward) that does nothing: a RunSQL whose effect
// needs no undoing stays reversible.
const Noop = "-- nothing to do"

func (op RunSQL) Describe() string {
	s := strings.Join(strings.Fields(op.Forward), " ")
	if len(s) > 60 {
		s = s[:57] + "..."
	}
	return fmt.Sprintf("RunSQL %q", s)
}

func (op RunSQL) apply(s *State) error {
	if strings.TrimSpace(op.Forward) == "" {
		return fmt.Errorf("RunSQL without Forward SQL (use migrate.Noop for none)")
	}
	for _, part := range []struct{ name, sql string }{{"Forward", op.Forward}, {"Backward", op.Backward}} {
		for i, stmt := range SplitSQL(part.sql) {
			if word := txControl(stmt); word != "" {
				return fmt.Errorf("%s statement %d is %s: the runner manages transactions, and this would break the migration's atomicity "+
					"(it runs in one transaction, rolled back on failure; with NoTransaction each statement commits on its own, possibly on another pooled connection): "+
					"remove it, or split the work into separate migrations", part.name, i+1, word)
			}
		}
	}
	for i, st := range op.State {
		if st == nil {
			return fmt.Errorf("RunSQL State[%d] is nil", i)
		}
		if err := st.apply(s); err != nil {
			return fmt.Errorf("RunSQL State[%d] %s: %w", i, st.Describe(), err)
		}
	}
	return nil
}

func (op RunSQL) forward() []string { return SplitSQL(op.Forward) }

func (op RunSQL) backward(*State) ([]string, error) {
	if strings.TrimSpace(op.Backward) == "" {
		return nil, errIrreversible
	}
	return SplitSQL(op.Backward), nil
}

var errIrreversible = fmt.Errorf("RunSQL has no Backward SQL, so it cannot be rolled back (set Backward, or migrate.Noop when there is nothing to undo)")

func (op RunSQL) noTx() string {
	if op.NoTransaction {
		return "RunSQL with NoTransaction"
	}
	for _, stmt := range append(SplitSQL(op.Forward), SplitSQL(op.Backward)...) {
		if why := noTxStatement(stmt); why != "" {
			return why
		}
	}
	return ""
}

// Statements PostgreSQL refuses inside a transaction block, and ALTER TYPE
// ... ADD VALUE, which is allowed in one but whose value cannot be used
// until it commits: running the migration outside a transaction lets the
// statements after it use the value.
var noTxPatterns = []struct {
	re  *regexp.Regexp
	why string
}{
	{regexp.MustCompile(`^(CREATE (UNIQUE )?INDEX|DROP INDEX|REINDEX( \(.*\))? \w+) CONCURRENTLY\b`), "%s CONCURRENTLY cannot run in a transaction"},
	{regexp.MustCompile(`^ALTER TYPE .* ADD VALUE\b`), "ALTER TYPE ... ADD VALUE: the new value is usable only after it commits"},
	{regexp.MustCompile(`^(VACUUM|CREATE DATABASE|DROP DATABASE|ALTER SYSTEM|CREATE TABLESPACE|DROP TABLESPACE|CLUSTER)\b`), "%s cannot run in a transaction"},
	{regexp.MustCompile(`^(ALTER TABLE .* DETACH PARTITION .* CONCURRENTLY)\b`), "%s cannot run in a transaction"},
}

// txControl matches the statements that begin, end or partly undo a
// transaction. Inside the migration's transaction, COMMIT would commit half
// of it (and the failure of a later statement could not roll that back),
// ROLLBACK TO SAVEPOINT would silently undo part of it; outside one, each
// Exec may reach another pooled connection, so BEGIN ... COMMIT would not
// group anything.
var txControl = func() func(string) string {
	re := regexp.MustCompile(`^(BEGIN|START TRANSACTION|COMMIT|END|ROLLBACK|ABORT|SAVEPOINT|RELEASE|PREPARE TRANSACTION)\b`)
	return func(stmt string) string {
		norm := strings.ToUpper(strings.Join(strings.Fields(stripComments(stmt)), " "))
		return re.FindString(norm)
	}
}()

func noTxStatement(stmt string) string {
	norm := strings.ToUpper(strings.Join(strings.Fields(stripComments(stmt)), " "))
	for _, p := range noTxPatterns {
		if m := p.re.FindStringSubmatch(norm); m != nil {
			if strings.Contains(p.why, "%s") {
				return fmt.Sprintf(p.why, firstWords(m[1], 3))
			}
			return p.why
		}
	}
	return ""
}

func firstWords(s string, n int) string {
	f := strings.Fields(s)
	if len(f) > n {
		f = f[:n]
	}
	return strings.Join(f, " ")
}

// stripComments removes leading comments, so "-- why\nCREATE INDEX
// CONCURRENTLY ..." is still recognised.
func stripComments(stmt string) string {
	for {
		stmt = strings.TrimSpace(stmt)
		switch {
		case strings.HasPrefix(stmt, "--"):
			nl := strings.IndexByte(stmt, '\n')
			if nl < 0 {
				return ""
			}
			stmt = stmt[nl+1:]
		case strings.HasPrefix(stmt, "/*"):
			sc := scanner{src: stmt}
			sc.skipBlockComment()
			stmt = stmt[sc.pos:]
		default:
			return stmt
		}
	}
}
