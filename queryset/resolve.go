package queryset

import (
	"fmt"
	"strings"

	"github.com/eagerorm/eager/internal/naming"
	"github.com/eagerorm/eager/internal/schema"
	"github.com/eagerorm/eager/orm"
)

// path is a resolved "a__b__field__transform__lookup" key.
type path struct {
	key  string
	hops []*schema.Field // relation fields crossed before field, in order
	// field is the last field named: a column, or a relation when the key
	// ends on one (Q{"customer": c}, Q{"orders__isnull": true}).
	field     *schema.Field
	transform string // "" or a transform of lookupTable ("date", "year"...)
	lookup    string // "exact" when none is given
}

// firstMulti is the index in hops of the first multi-valued relation, or -1.
func (p path) firstMulti() int {
	for i, h := range p.hops {
		if h.Rel.Multi() {
			return i
		}
	}
	return -1
}

// resolvePath resolves key against m. Field names win over lookup names, as
// in Django. allowLookup is false for OrderBy and projections, where a key
// names a field and nothing more.
func resolvePath(m *schema.Model, key string, allowLookup bool) (path, error) {
	p := path{key: key, lookup: "exact"}
	if key == "" {
		return p, &orm.FieldError{Model: m.Name, Field: key, Msg: "empty field name"}
	}
	parts := strings.Split(key, "__")
	cur := m
	i := 0
	for ; i < len(parts); i++ {
		f, ok := cur.FieldByName(parts[i])
		if !ok {
			return p, unknown(m, cur, key, parts[i], i > 0)
		}
		if f.Rel != nil && i+1 < len(parts) {
			if _, isField := f.Rel.Target.FieldByName(parts[i+1]); isField {
				p.hops = append(p.hops, f)
				cur = f.Rel.Target
				continue
			}
			if _, known := lookupTable[parts[i+1]]; !known {
				return p, unknown(m, f.Rel.Target, key, parts[i+1], true)
			}
		}
		p.field = f
		i++
		break
	}
	rest := parts[i:]
	if len(rest) > 0 && !allowLookup {
		return p, &orm.FieldError{Model: m.Name, Field: key,
			Msg: fmt.Sprintf("%q is not a field of %s (lookups are not allowed here)", rest[0], cur.Name)}
	}
	if len(rest) > 0 && isTransform(rest[0]) {
		p.transform, rest = rest[0], rest[1:]
	}
	switch len(rest) {
	case 0:
	case 1:
		if !isLookup(rest[0]) {
			return p, badLookup(m, p, rest[0])
		}
		p.lookup = rest[0]
	default:
		return p, &orm.FieldError{Model: m.Name, Field: key,
			Msg: fmt.Sprintf("unsupported lookup %q for %s", strings.Join(rest, "__"), describe(p))}
	}
	if p.transform != "" && !transformFits(p) {
		field := p
		field.transform = "" // the field itself, not the transform's result
		return p, &orm.FieldError{Model: m.Name, Field: key,
			Msg: fmt.Sprintf("unsupported transform %q for %s (it needs a %s field)", p.transform, describe(field), lookupTable[p.transform].on)}
	}
	if !lookupFits(p, p.lookup) {
		return p, badLookup(m, p, p.lookup)
	}
	return p, nil
}

// unknown is the error for a name that is neither a field nor a lookup:
// the choices are those of the model where resolution stopped.
func unknown(root, at *schema.Model, key, name string, nested bool) error {
	choices := at.FieldNames()
	e := &orm.FieldError{Model: root.Name, Field: key, Msg: fmt.Sprintf("cannot resolve %q into a field", name),
		Choices: choices, Suggest: naming.Closest(name, choices)}
	if nested {
		e.Msg = fmt.Sprintf("cannot resolve %q into a field of %s", name, at.Name)
	}
	if name == "pk" && at.PK == nil {
		e.Msg += fmt.Sprintf(": %s has a composite primary key (%s): name its fields", at.Name, strings.Join(at.KeyNames(), ", "))
	}
	return e
}

func badLookup(m *schema.Model, p path, lookup string) error {
	valid := validLookups(p)
	return &orm.FieldError{Model: m.Name, Field: p.key,
		Msg:     fmt.Sprintf("unsupported lookup %q for %s; valid lookups: %s", lookup, describe(p), strings.Join(valid, ", ")),
		Suggest: naming.Closest(lookup, valid)}
}

func describe(p path) string {
	f := p.field
	if f.Rel != nil && f.Column == "" {
		return fmt.Sprintf("%s relation %s", f.Rel.Kind, f)
	}
	return fmt.Sprintf("%s field %s", kindOf(p), f)
}

// kindOf is the kind of value the lookup compares against.
func kindOf(p path) schema.ColumnKind {
	if p.transform != "" {
		return lookupTable[p.transform].out
	}
	if p.field.Rel != nil && p.field.Column == "" {
		return p.field.Rel.Target.PK.Kind
	}
	return p.field.Kind
}
