package migrate

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Generated is one migration makemigrations writes.
type Generated struct {
	Migration Migration
	File      string // the file name: Name + ".go"
	Source    []byte // gofmt'ed Go
	// NoTransaction is why it runs outside a transaction, "" when it does not.
	NoTransaction string
	// Warnings are its lint findings; none is allowed yet, since allowing one
	// is for a person to decide.
	Warnings []Warning
}

// MakeOptions tune MakeMigrations.
type MakeOptions struct {
	// Package is the Go package the files belong to ("main" when "").
	Package string
	// Name replaces the generated description ("add_order_note"); the
	// number is always the next one.
	Name string
	// Next is the number of the first new migration; when 0 it follows the
	// highest number of the set.
	Next int
}

// MakeMigrations compares the models with the schema the set's migrations
// build and returns the migrations that close the gap: none when there is no
// change, usually one. When an index is added to a table that already
// exists, it is built concurrently (so writes are not blocked while it
// builds), which cannot run in a transaction: such indexes go in a migration
// of their own, after the rest, so the rest keeps its transaction.
//
// Models are given as FromModels takes them.
func MakeMigrations(set *Set, models []any, opt MakeOptions) ([]Generated, error) {
	target, err := FromModels(models...)
	if err != nil {
		return nil, err
	}
	current := set.State()
	ops := Diff(current, target)
	if len(ops) == 0 {
		return nil, nil
	}
	var main, concurrent []Operation
	for _, op := range ops {
		if ix, ok := op.(AddIndex); ok {
			if _, existing := current.Table(ix.Table); existing {
				ix.Concurrently = true
				concurrent = append(concurrent, ix)
				continue
			}
		}
		main = append(main, op)
	}
	next := opt.Next
	if next == 0 {
		next = 1
		if names := set.Names(); len(names) > 0 {
			n, _ := nameNumber(names[len(names)-1])
			next = n + 1
		}
	}
	var ms []Migration
	for _, group := range [][]Operation{main, concurrent} {
		if len(group) == 0 {
			continue
		}
		desc := opt.Name
		switch {
		case desc != "" && len(ms) > 0:
			desc += "_concurrently"
		case desc == "" && len(set.list) == 0 && len(ms) == 0:
			desc = "initial"
		case desc == "":
			desc = describe(group)
		}
		ms = append(ms, Migration{Name: fmt.Sprintf("%04d_%s", next, fileSafe(desc)), Operations: group})
		next++
	}
	// Replay the new migrations after the existing ones: it checks that they
	// apply, and gives their lint findings and transaction mode.
	all, err := NewSet(append(set.Migrations(), ms...))
	if err != nil {
		return nil, fmt.Errorf("migrate: the generated migrations do not apply (a bug in makemigrations): %w", err)
	}
	pkg := opt.Package
	if pkg == "" {
		pkg = "main"
	}
	var out []Generated
	for i, m := range ms {
		c := all.byName[m.Name]
		var notes []string
		if c.noTx != "" {
			notes = append(notes, "Runs outside a transaction, one statement per Exec: "+c.noTx+".\n"+
				"Writes to the table go on while the index builds. If a statement fails,\n"+
				"the ones before it stay applied; each is safe to run again.")
		}
		if i == 0 && len(ms) > 1 {
			notes = append(notes, "The new indexes on existing tables are built concurrently by "+ms[1].Name+".")
		}
		if len(c.warnings) > 0 {
			var b strings.Builder
			b.WriteString("Lint:")
			for _, w := range c.warnings {
				fmt.Fprintf(&b, "\n  operation %d, %s: [%s] %s", w.Index+1, w.Operation, w.Rule, w.Reason)
			}
			rules := rulesOf(c.warnings)
			fmt.Fprintf(&b, "\nIf that is intended, accept it by adding to the migration:\n  Allow: []string{%s},", quoteList(rules))
			notes = append(notes, b.String())
		}
		src, err := Source(pkg, m, notes...)
		if err != nil {
			return nil, err
		}
		out = append(out, Generated{Migration: m, File: m.Name + ".go", Source: src, NoTransaction: c.noTx,
			Warnings: c.warnings})
	}
	return out, nil
}

func quoteList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

// describe names a migration after what it does, as Django does:
// "add_order_note", "delete_coupon", "customer" for a new table; several
// operations are joined while the name stays short.
func describe(ops []Operation) string {
	var frags []string
	for _, op := range ops {
		var f string
		switch op := op.(type) {
		case CreateTable:
			f = op.Table
		case DropTable:
			f = "delete_" + op.Table
		case AddColumn:
			f = op.Table + "_" + op.Column.Name
			if len(ops) == 1 {
				f = "add_" + f
			}
		case DropColumn:
			f = "remove_" + op.Table + "_" + op.Column
		case AlterColumn:
			f = "alter_" + op.Table + "_" + op.Column
		case AddIndex:
			f = op.Name
		case DropIndex:
			f = "remove_" + op.Name
		case AddConstraint:
			if op.ForeignKey != nil {
				continue // follows from a column or table already named
			}
			f = op.Name
		case DropConstraint:
			if strings.HasSuffix(op.Name, "_fkey") {
				continue
			}
			f = "remove_" + op.Name
		default:
			continue
		}
		if !slices.Contains(frags, f) {
			frags = append(frags, f)
		}
	}
	if len(frags) == 0 {
		return "auto"
	}
	name := frags[0]
	for _, f := range frags[1:] {
		if len(name)+1+len(f) > 40 {
			return name + "_and_more"
		}
		name += "_" + f
	}
	return name
}

var unsafeName = regexp.MustCompile(`[^a-z0-9_]+`)

// buildSuffixes are the words go/build reads as a constraint at the end of
// a file name (_test, _linux, _amd64, ...): a migration named after a table
// called "test" would otherwise be compiled out of the program.
var buildSuffixes = func() map[string]bool {
	m := map[string]bool{"test": true}
	for _, w := range strings.Fields(`aix android darwin dragonfly freebsd hurd illumos ios js linux nacl netbsd
		openbsd plan9 solaris wasip1 windows zos 386 amd64 amd64p32 arm armbe arm64 arm64be loong64 mips mipsle
		mips64 mips64le mips64p32 mips64p32le ppc ppc64 ppc64le riscv riscv64 s390 s390x sparc sparc64 wasm`) {
		m[w] = true
	}
	return m
}()

// fileSafe makes a description usable in a migration name and a Go file
// name.
func fileSafe(desc string) string {
	s := strings.Trim(unsafeName.ReplaceAllString(strings.ToLower(desc), "_"), "_")
	if s == "" {
		s = "auto"
	}
	if parts := strings.Split(s, "_"); buildSuffixes[parts[len(parts)-1]] {
		s += "_migration"
	}
	return s
}
