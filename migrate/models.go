package migrate

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/eagerorm/eager/internal/schema"
)

// FromModels builds the schema the models describe: a table per model with
// its columns (NOT NULL unless nullable, defaults, identity for an automatic
// integer primary key), primary key, unique constraints, indexes, foreign
// keys with their ON DELETE action, and the through table of each
// ManyToMany. Models reached through relations are included too, so listing
// the models a program uses is enough.
//
// Names follow PostgreSQL's defaults: <table>_pkey, <table>_<column>_key,
// <table>_<column>_fkey, <table>_<column>_idx.
//
// A through table gets a primary key on its two key columns, foreign keys
// that cascade (a link dies with either end), and an index on the second key
// column, which the primary key does not cover: loading the relation from
// the other side uses it. A through table declared from both sides is
// created once; one that is itself a model is left to that model.
//
// Models are given as struct values, pointers to them or their
// reflect.Type: FromModels(Customer{}, Order{}).
func FromModels(models ...any) (*State, error) {
	ms, err := modelsOf(models)
	if err != nil {
		return nil, err
	}
	return fromModels(ms)
}

func fromModels(models []*schema.Model) (*State, error) {
	b := &schemaBuilder{st: NewState(), seen: map[*schema.Model]bool{}, through: map[string]*throughTable{}}
	for _, m := range models {
		b.visit(m)
	}
	owners := map[string]*schema.Model{}
	for _, m := range b.models {
		if prev, dup := owners[m.Table]; dup {
			return nil, fmt.Errorf("migrate: models %s and %s both use table %s", prev.Name, m.Name, m.Table)
		}
		owners[m.Table] = m
	}
	for _, m := range b.models {
		if err := b.table(m); err != nil {
			return nil, err
		}
	}
	for _, m := range b.models {
		for _, f := range m.Relations {
			// A link of two hops goes through a join table.
			if hops := f.Rel.Hops; len(hops) == 2 && owners[hops[0].ToTable] == nil {
				if err := b.addThrough(f); err != nil {
					return nil, err
				}
			}
		}
	}
	for _, name := range b.throughOrder {
		b.createThrough(b.through[name])
	}
	// Foreign keys last: every table they reference exists by then.
	for _, m := range b.models {
		if err := b.foreignKeys(m); err != nil {
			return nil, err
		}
	}
	for _, name := range b.throughOrder {
		b.throughKeys(b.through[name])
	}
	return b.st, nil
}

// modelsOf returns the metadata of model values or types (Customer{},
// &Customer{}, reflect.Type), as Models accepts them.
func modelsOf(models []any) ([]*schema.Model, error) {
	out := make([]*schema.Model, 0, len(models))
	for _, v := range models {
		var t reflect.Type
		switch v := v.(type) {
		case nil:
			return nil, fmt.Errorf("migrate: nil model")
		case reflect.Type:
			t = v
		default:
			t = reflect.TypeOf(v)
		}
		m, err := schema.Of(t)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

type schemaBuilder struct {
	st           *State
	models       []*schema.Model
	seen         map[*schema.Model]bool
	through      map[string]*throughTable
	throughOrder []string
}

type throughTable struct {
	name string
	// the two key columns, in the order of the first declaration: column,
	// referenced model and column
	cols    [2]string
	refs    [2]*schema.Model
	refCols [2]string
	origin  string // the field that declared it first, for errors
}

func (b *schemaBuilder) visit(m *schema.Model) {
	if b.seen[m] {
		return
	}
	b.seen[m] = true
	b.models = append(b.models, m)
	for _, f := range m.Relations {
		b.visit(f.Rel.Target)
	}
}

func (b *schemaBuilder) table(m *schema.Model) error {
	t := &Table{Name: m.Table}
	for _, f := range m.Columns {
		if f.SQLType == "" {
			return fmt.Errorf("migrate: %s: no SQL type", f)
		}
		t.Columns = append(t.Columns, Column{Name: f.Column, Type: f.SQLType, Null: f.Nullable && !f.PK,
			Default: strings.TrimSpace(f.Default), Identity: f.Auto})
	}
	key := make([]string, len(m.Key)) // one column, or a composite key's
	for i, f := range m.Key {
		key[i] = f.Column
	}
	t.Constraints = append(t.Constraints, Constraint{Name: pkeyName(m.Table), PrimaryKey: key})
	for _, f := range m.Columns {
		switch {
		case f.PK:
		case f.Unique:
			t.Constraints = append(t.Constraints, Constraint{Name: uniqueName(m.Table, f.Column), Unique: []string{f.Column}})
		case f.Indexed:
			t.Indexes = append(t.Indexes, Index{Name: indexName(m.Table, f.Column), Columns: []string{f.Column}})
		}
	}
	if owner := b.st.relationOwner(t.Name); owner != "" {
		return fmt.Errorf("migrate: model %s: table %s: %s already exists", m.Name, t.Name, owner)
	}
	b.st.addTable(t)
	return nil
}

func (b *schemaBuilder) foreignKeys(m *schema.Model) error {
	t := b.st.tables[m.Table]
	for _, f := range m.Columns {
		if f.Rel == nil {
			continue
		}
		// A relation with a column of its own: its one hop starts there.
		hop := f.Rel.Hops[0]
		k := Constraint{Name: fkeyName(m.Table, hop.FromColumn), ForeignKey: []string{hop.FromColumn},
			References: hop.ToTable, RefColumns: []string{hop.ToColumn}, OnDelete: onDelete(f.Rel.OnDelete)}
		if err := b.st.checkReference(t, &k); err != nil {
			return fmt.Errorf("migrate: %s: %w", f, err)
		}
		t.Constraints = append(t.Constraints, k)
	}
	return nil
}

func onDelete(action string) string {
	if action == "NO ACTION" {
		return ""
	}
	return action
}

// addThrough records the join table of f's two-hop link: its columns are
// where the first hop ends and the second starts, each referencing the
// column at the hop's other end.
func (b *schemaBuilder) addThrough(f *schema.Field) error {
	in, out := f.Rel.Hops[0], f.Rel.Hops[1]
	src, dst := f.Model, f.Rel.Target
	name, cols, refCols := in.ToTable, [2]string{in.ToColumn, out.FromColumn}, [2]string{in.FromColumn, out.ToColumn}
	tt, ok := b.through[name]
	if !ok {
		b.through[name] = &throughTable{name: name, cols: cols, refs: [2]*schema.Model{src, dst}, refCols: refCols,
			origin: f.String()}
		b.throughOrder = append(b.throughOrder, name)
		return nil
	}
	// Declared again, from the other side or the same one: it must agree.
	same := tt.cols == cols && tt.refs == [2]*schema.Model{src, dst} && tt.refCols == refCols
	swapped := tt.cols == [2]string{cols[1], cols[0]} && tt.refs == [2]*schema.Model{dst, src} &&
		tt.refCols == [2]string{refCols[1], refCols[0]}
	if !same && !swapped {
		return fmt.Errorf("migrate: through table %s: %s declares (%s -> %s, %s -> %s) but %s declares (%s -> %s, %s -> %s)",
			tt.name, tt.origin, tt.cols[0], tt.refs[0].Table, tt.cols[1], tt.refs[1].Table,
			f, cols[0], src.Table, cols[1], dst.Table)
	}
	return nil
}

func (b *schemaBuilder) createThrough(tt *throughTable) {
	t := &Table{Name: tt.name}
	for i, c := range tt.cols {
		ref, _ := tt.refs[i].FieldByColumn(tt.refCols[i])
		t.Columns = append(t.Columns, Column{Name: c, Type: ref.SQLType})
	}
	t.Constraints = append(t.Constraints, Constraint{Name: pkeyName(tt.name), PrimaryKey: []string{tt.cols[0], tt.cols[1]}})
	t.Indexes = append(t.Indexes, Index{Name: indexName(tt.name, tt.cols[1]), Columns: []string{tt.cols[1]}})
	b.st.addTable(t)
}

func (b *schemaBuilder) throughKeys(tt *throughTable) {
	t := b.st.tables[tt.name]
	for i, c := range tt.cols {
		t.Constraints = append(t.Constraints, Constraint{Name: fkeyName(tt.name, c), ForeignKey: []string{c},
			References: tt.refs[i].Table, RefColumns: []string{tt.refCols[i]}, OnDelete: "CASCADE"})
	}
}
