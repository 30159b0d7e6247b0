package migrate

import (
	"fmt"
	"sort"
	"strings"
)

// Lint rules. Each names an operation that is dangerous on a live database;
// a migration accepts one by listing it in Allow.
const (
	// RuleDropTable: DropTable deletes every row, and the release still
	// running during a deploy may read the table.
	RuleDropTable = "drop-table"
	// RuleDropColumn: DropColumn deletes data, and the release still running
	// during a deploy may select the column.
	RuleDropColumn = "drop-column"
	// RuleNotNullWithoutDefault: a NOT NULL column without a default added to
	// an existing table fails as soon as the table has a row; SET NOT NULL
	// fails on any NULL and scans the table under an exclusive lock.
	RuleNotNullWithoutDefault = "not-null-without-default"
	// RuleIndexNotConcurrent: CREATE INDEX (and a UNIQUE or PRIMARY KEY
	// constraint, which builds one) blocks writes to an existing table for
	// as long as the build takes.
	RuleIndexNotConcurrent = "index-not-concurrent"
	// RuleNarrowingType: a type change that cannot hold every old value fails
	// on the rows that do not fit, or silently rounds them.
	RuleNarrowingType = "narrowing-type"
)

// Rules lists every lint rule: the names Allow accepts.
func Rules() []string {
	return []string{RuleDropTable, RuleDropColumn, RuleNotNullWithoutDefault, RuleIndexNotConcurrent, RuleNarrowingType}
}

// Warning is one lint finding: which migration and operation, the rule and
// why it is dangerous.
type Warning struct {
	Migration string
	Index     int    // the operation's position in the migration, from 0
	Operation string // its Describe()
	Rule      string
	Reason    string
	// Allowed is true when the migration lists Rule in its Allow.
	Allowed bool
}

func (w Warning) String() string {
	s := fmt.Sprintf("%s: operation %d, %s: [%s] %s", w.Migration, w.Index+1, w.Operation, w.Rule, w.Reason)
	if w.Allowed {
		s += " (allowed)"
	}
	return s
}

// linter checks the operations of one migration in order. It tracks the
// tables the migration creates: operations on those cannot hurt existing
// rows or running code.
type linter struct {
	migration string
	allow     map[string]bool
	created   map[string]bool
	added     []AddColumn // for the rename hint
	ops       []Operation
	warnings  []Warning
}

func newLinter(m Migration) *linter {
	l := &linter{migration: m.Name, allow: map[string]bool{}, created: map[string]bool{}, ops: m.Operations}
	for _, a := range m.Allow {
		l.allow[a] = true
	}
	for _, op := range m.Operations {
		if ac, ok := op.(AddColumn); ok {
			l.added = append(l.added, ac)
		}
	}
	return l
}

func (l *linter) warn(i int, op Operation, rule, reason string) {
	l.warnings = append(l.warnings, Warning{Migration: l.migration, Index: i, Operation: op.Describe(),
		Rule: rule, Reason: reason, Allowed: l.allow[rule]})
}

// check lints operation i against the state it is applied to.
func (l *linter) check(i int, op Operation, before *State) {
	switch op := op.(type) {
	case CreateTable:
		l.created[op.Table] = true
	case RenameTable:
		if l.created[op.From] {
			l.created[op.To] = true
		}
	case DropTable:
		if !l.created[op.Table] {
			l.warn(i, op, RuleDropTable, "deletes the table and all its rows; the release still running during the deploy may use it")
		}
	case DropColumn:
		if l.created[op.Table] {
			return
		}
		reason := "deletes the column's data; the release still running during the deploy may select it"
		if hint := l.renameHint(op, before); hint != "" {
			reason += "; " + hint
		}
		l.warn(i, op, RuleDropColumn, reason)
	case AddColumn:
		c := op.Column
		if !l.created[op.Table] && !c.Null && c.Default == "" && !c.Identity {
			l.warn(i, op, RuleNotNullWithoutDefault, "adding a NOT NULL column without a default fails once "+op.Table+
				" has a row: give it a default, or add it with Null, backfill, then SetNotNull")
		}
	case AlterColumn:
		if l.created[op.Table] {
			return
		}
		if op.SetNotNull {
			l.warn(i, op, RuleNotNullWithoutDefault, "SET NOT NULL fails if any row holds NULL, and scans "+op.Table+
				" under an exclusive lock: backfill first")
		}
		if op.Type != "" {
			if t, ok := before.Table(op.Table); ok {
				if c, ok := t.Column(op.Column); ok && !widens(c.Type, op.Type) {
					l.warn(i, op, RuleNarrowingType, fmt.Sprintf("%s to %s cannot hold every existing value: the change fails on rows that do not fit, or rounds them", c.Type, op.Type))
				}
			}
		}
	case AddIndex:
		if !l.created[op.Table] && !op.Concurrently {
			l.warn(i, op, RuleIndexNotConcurrent, "CREATE INDEX blocks writes to "+op.Table+
				" while it builds: set Concurrently: true (the migration then runs outside a transaction)")
		}
	case AddConstraint:
		if !l.created[op.Table] && (op.Unique != nil || op.PrimaryKey != nil) {
			l.warn(i, op, RuleIndexNotConcurrent, "the constraint builds its index while blocking writes to "+op.Table+
				": on a large table, build a unique index with AddIndex{Concurrently: true} first (RunSQL ... USING INDEX)")
		}
	case RunSQL:
		for _, st := range op.State {
			l.check(i, st, before)
		}
	}
}

// renameHint suggests RenameColumn when the same migration adds one column
// of the same type and nullability to the table: makemigrations cannot tell a rename from a
// drop and an add, and the person reading the warning can.
func (l *linter) renameHint(op DropColumn, before *State) string {
	t, ok := before.Table(op.Table)
	if !ok {
		return ""
	}
	old, ok := t.Column(op.Column)
	if !ok {
		return ""
	}
	var match []string
	for _, ac := range l.added {
		if ac.Table == op.Table && sameType(ac.Column.Type, old.Type) && ac.Column.Null == old.Null {
			match = append(match, ac.Column.Name)
		}
	}
	if len(match) != 1 {
		return ""
	}
	return fmt.Sprintf("if %s was renamed to %s, replace this DropColumn and the AddColumn with migrate.RenameColumn{Table: %q, From: %q, To: %q}",
		op.Column, match[0], op.Table, op.Column, match[0])
}

func checkAllow(allow []string) error {
	for _, a := range allow {
		known := false
		for _, r := range Rules() {
			known = known || a == r
		}
		if !known {
			return fmt.Errorf("unknown lint rule %q in Allow (rules: %s)", a, strings.Join(Rules(), ", "))
		}
	}
	return nil
}

// rulesOf lists the distinct rules of the warnings, sorted.
func rulesOf(ws []Warning) []string {
	seen := map[string]bool{}
	var rules []string
	for _, w := range ws {
		if !seen[w.Rule] {
			seen[w.Rule] = true
			rules = append(rules, w.Rule)
		}
	}
	sort.Strings(rules)
	return rules
}
