package migrate

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Migration is one numbered step: its operations run in order, in one
// transaction unless one of them cannot run in a transaction.
type Migration struct {
	// Name is the number and a description, "0002_add_order_note"; it is
	// also the file name (without .go). Migrations run in number order.
	Name       string
	Operations []Operation
	// Allow lists the lint rules this migration accepts (see Rules()): a drop
	// that is meant, an index small enough to build under a lock.
	Allow []string
}

// The migrations of a program, registered by the init functions of its
// migration files. This is the one piece of package state: like
// database/sql's driver registry it is written during init and read after,
// and it is what lets a migration file be added without editing main.
var registry struct {
	sync.Mutex
	ms []Migration
}

// Register adds a migration to the program's set. Generated migration files
// call it from init; errors (a duplicate number, an operation that does not
// apply) are reported when the set is loaded, with the migration's name.
func Register(m Migration) {
	registry.Lock()
	defer registry.Unlock()
	registry.ms = append(registry.ms, m)
}

// Registered returns the migrations registered so far, in registration order.
func Registered() []Migration {
	registry.Lock()
	defer registry.Unlock()
	return slices.Clone(registry.ms)
}

var nameRE = regexp.MustCompile(`^([0-9]+)_([A-Za-z0-9_]+)$`)

// Set is a validated, ordered list of migrations, replayed into the schema
// state after each one, with their SQL and lint findings.
type Set struct {
	list   []*compiled
	byName map[string]*compiled
	state  *State
}

type compiled struct {
	Migration
	number   int
	before   *State // the state the migration is applied to
	forward  []string
	backward []string
	// In a migration that runs outside a transaction, which statements may
	// still run in a short transaction of their own under lock_timeout
	// (parallel to forward and backward).
	forwardGuard, backwardGuard []bool
	// backErr is why the migration cannot be rolled back (an irreversible
	// RunSQL); rollback reports it before running anything.
	backErr  error
	noTx     string // why it runs outside a transaction, "" when it does not
	checksum string
	warnings []Warning
}

// NewSet orders the migrations by number and replays them. It fails on a
// malformed or duplicate name, an unknown lint rule in Allow, or an
// operation that does not apply to the state before it, naming the migration
// and the operation.
func NewSet(ms []Migration) (*Set, error) {
	s := &Set{byName: map[string]*compiled{}, state: NewState()}
	numbers := map[int]string{}
	for _, m := range ms {
		match := nameRE.FindStringSubmatch(m.Name)
		if match == nil {
			return nil, fmt.Errorf("migrate: migration name %q: want <number>_<words>, like 0002_add_order_note", m.Name)
		}
		n, err := strconv.Atoi(match[1])
		if err != nil {
			return nil, fmt.Errorf("migrate: migration name %q: %v", m.Name, err)
		}
		if prev, dup := numbers[n]; dup {
			if prev == m.Name {
				return nil, fmt.Errorf("migrate: migration %s is registered twice", m.Name)
			}
			return nil, fmt.Errorf("migrate: migrations %s and %s have the same number (two branches each added one?): renumber one of them", prev, m.Name)
		}
		numbers[n] = m.Name
		if err := checkAllow(m.Allow); err != nil {
			return nil, fmt.Errorf("migrate: migration %s: %w", m.Name, err)
		}
		s.list = append(s.list, &compiled{Migration: m, number: n})
	}
	slices.SortFunc(s.list, func(a, b *compiled) int { return a.number - b.number })
	for _, c := range s.list {
		if err := s.replay(c); err != nil {
			return nil, err
		}
		s.byName[c.Name] = c
	}
	return s, nil
}

// replay applies c's operations to the set's state, recording what c needs:
// forward and backward SQL, lint findings, whether it runs in a transaction.
func (s *Set) replay(c *compiled) error {
	c.before = s.state.Clone()
	lint := newLinter(c.Migration)
	var back [][]string
	var backGuard [][]bool
	var canon strings.Builder
	canon.WriteString("eager-migrate/1\n")
	for i, op := range c.Operations {
		if op == nil {
			return fmt.Errorf("migrate: migration %s: operation %d is nil", c.Name, i+1)
		}
		lint.check(i, op, s.state)
		b, err := op.backward(s.state)
		if err != nil && c.backErr == nil {
			c.backErr = fmt.Errorf("operation %d, %s: %w", i+1, op.Describe(), err)
		}
		back = append(back, b)
		backGuard = append(backGuard, guards(op, b))
		if err := op.apply(s.state); err != nil {
			return fmt.Errorf("migrate: migration %s: operation %d, %s: %w", c.Name, i+1, op.Describe(), err)
		}
		fwd := op.forward()
		c.forward = append(c.forward, fwd...)
		c.forwardGuard = append(c.forwardGuard, guards(op, fwd)...)
		if why := op.noTx(); why != "" && c.noTx == "" {
			c.noTx = why
		}
		writeCanonical(&canon, op)
	}
	for i := len(back) - 1; i >= 0; i-- {
		c.backward = append(c.backward, back[i]...)
		c.backwardGuard = append(c.backwardGuard, backGuard[i]...)
	}
	if c.noTx != "" {
		canon.WriteString("-- outside a transaction\n")
	}
	sum := sha256.Sum256([]byte(canon.String()))
	c.checksum = hex.EncodeToString(sum[:])
	c.warnings = lint.warnings
	return nil
}

// writeCanonical writes what the checksum covers for one operation: its
// forward SQL, plus what the migration states itself about going back and
// about the state (RunSQL's Backward and State). Reverse SQL derived from
// earlier migrations is left out, so editing one migration changes only its
// own checksum.
func writeCanonical(b *strings.Builder, op Operation) {
	for _, st := range op.forward() {
		b.WriteString(st)
		b.WriteString("\n;\n")
	}
	if r, ok := op.(RunSQL); ok {
		b.WriteString("-- backward\n")
		for _, st := range SplitSQL(r.Backward) {
			b.WriteString(st)
			b.WriteString("\n;\n")
		}
		for _, st := range r.State {
			if st != nil {
				b.WriteString("-- state\n")
				writeCanonical(b, st)
			}
		}
	}
}

// Migrations returns the migrations in the order they apply.
func (s *Set) Migrations() []Migration {
	out := make([]Migration, len(s.list))
	for i, c := range s.list {
		out[i] = c.Migration
	}
	return out
}

// Names lists the migration names in order.
func (s *Set) Names() []string {
	out := make([]string, len(s.list))
	for i, c := range s.list {
		out[i] = c.Name
	}
	return out
}

// State is the schema after every migration of the set.
func (s *Set) State() *State { return s.state.Clone() }

// Lint returns the findings of every migration, allowed ones included
// (Warning.Allowed tells them apart).
func (s *Set) Lint() []Warning {
	var ws []Warning
	for _, c := range s.list {
		ws = append(ws, c.warnings...)
	}
	return ws
}

// Resolve finds a migration by its full name or its number ("0002" or "2").
func (s *Set) Resolve(name string) (string, error) {
	if _, ok := s.byName[name]; ok {
		return name, nil
	}
	if n, err := strconv.Atoi(name); err == nil {
		for _, c := range s.list {
			if c.number == n {
				return c.Name, nil
			}
		}
	}
	var near []string
	for _, c := range s.list {
		if strings.Contains(c.Name, name) {
			near = append(near, c.Name)
		}
	}
	if len(near) > 0 {
		return "", fmt.Errorf("migrate: no migration %q (did you mean %s?)", name, strings.Join(near, " or "))
	}
	return "", fmt.Errorf("migrate: no migration %q (migrations: %s)", name, strings.Join(s.Names(), ", "))
}

// Script is the SQL of one migration, as the runner sends it.
type Script struct {
	Name     string
	Forward  []string
	Backward []string
	// Irreversible is why the migration cannot be rolled back, nil when it can.
	Irreversible error
	// NoTransaction is why the migration runs outside a transaction, "" when
	// it runs in one.
	NoTransaction string
	// Checksum identifies the migration's forward SQL; the history table
	// keeps it to detect a migration edited after it was applied.
	Checksum string
}

// Script returns the SQL of the named migration (a name or a number).
func (s *Set) Script(name string) (*Script, error) {
	full, err := s.Resolve(name)
	if err != nil {
		return nil, err
	}
	c := s.byName[full]
	return &Script{Name: c.Name, Forward: slices.Clone(c.forward), Backward: slices.Clone(c.backward),
		Irreversible: c.backErr, NoTransaction: c.noTx, Checksum: c.checksum}, nil
}

// Text renders the script as sqlmigrate prints it: each statement
// terminated, wrapped in BEGIN/COMMIT when it runs in a transaction, with
// the backward SQL after the forward.
func (sc *Script) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "-- %s: forward\n", sc.Name)
	sc.block(&b, sc.Forward)
	fmt.Fprintf(&b, "\n-- %s: backward\n", sc.Name)
	if sc.Irreversible != nil {
		fmt.Fprintf(&b, "-- irreversible: %v\n", sc.Irreversible)
	} else {
		sc.block(&b, sc.Backward)
	}
	return b.String()
}

func (sc *Script) block(b *strings.Builder, stmts []string) {
	if sc.NoTransaction != "" {
		fmt.Fprintf(b, "-- runs outside a transaction, one statement at a time: %s\n", sc.NoTransaction)
	} else {
		b.WriteString("BEGIN;\n")
	}
	for _, st := range stmts {
		b.WriteString(st)
		b.WriteString(";\n")
	}
	if sc.NoTransaction == "" {
		b.WriteString("COMMIT;\n")
	}
}

// SQL renders the forward SQL of operations applied in order to an empty
// schema, without a database: how operations read as SQL before they are a
// migration. Each operation is checked against the state the ones before it
// built, as when a migration is loaded.
func SQL(ops ...Operation) ([]string, error) {
	st := NewState()
	var out []string
	for i, op := range ops {
		if op == nil {
			return nil, fmt.Errorf("migrate: operation %d is nil", i+1)
		}
		if err := op.apply(st); err != nil {
			return nil, fmt.Errorf("migrate: operation %d, %s: %w", i+1, op.Describe(), err)
		}
		out = append(out, op.forward()...)
	}
	return out, nil
}
