package schema

import (
	"fmt"
	"sort"
	"strings"
)

// tagOptions is a parsed orm:"..." tag.
type tagOptions struct {
	pk, null, unique, index bool
	autoNow, autoNowAdd     bool
	hasDefault              bool
	def                     string
	reverse                 string
	through, from, to       string
	onDelete                string
	sqlType                 string
	set                     map[string]bool // options present, for "not valid here" checks
}

var knownOptions = map[string]bool{
	"pk": true, "null": true, "unique": true, "index": true, "default": true, "reverse": true,
	"through": true, "from": true, "to": true, "on_delete": true, "type": true,
	"auto_now": true, "auto_now_add": true,
}

var onDeleteActions = map[string]string{
	"cascade": "CASCADE", "set_null": "SET NULL", "set null": "SET NULL", "restrict": "RESTRICT",
	"no_action": "NO ACTION", "no action": "NO ACTION", "set_default": "SET DEFAULT", "set default": "SET DEFAULT",
	// protect is Django's PROTECT: the delete of a referenced row fails. The
	// database does it (NO ACTION, checked at the end of the statement).
	"protect": "NO ACTION",
}

// flagOptions take no value.
var flagOptions = map[string]bool{"pk": true, "null": true, "unique": true, "index": true, "auto_now": true, "auto_now_add": true}

// parseTag reads `pk,null,default:now(),type:numeric(10,2)`. Commas inside
// parentheses or single quotes belong to the value; a quote or parenthesis
// left open is an error, so that it cannot swallow the options after it.
func parseTag(tag string) (tagOptions, error) {
	o := tagOptions{set: map[string]bool{}}
	parts, err := splitTag(tag)
	if err != nil {
		return o, err
	}
	for _, part := range parts {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		key, val, hasVal := strings.Cut(part, ":")
		key = strings.TrimSpace(key)
		if !knownOptions[key] {
			return o, fmt.Errorf("unknown orm tag option %q (known: %s)", key, strings.Join(sortedKeys(knownOptions), ", "))
		}
		if o.set[key] {
			return o, fmt.Errorf("orm tag option %q given twice", key)
		}
		o.set[key] = true
		needsVal := !flagOptions[key]
		if needsVal && (!hasVal || strings.TrimSpace(val) == "") {
			return o, fmt.Errorf("orm tag option %q needs a value (%s:...)", key, key)
		}
		if !needsVal && hasVal {
			return o, fmt.Errorf("orm tag option %q takes no value", key)
		}
		val = strings.TrimSpace(val)
		switch key {
		case "pk":
			o.pk = true
		case "null":
			o.null = true
		case "unique":
			o.unique = true
		case "index":
			o.index = true
		case "auto_now":
			o.autoNow = true
		case "auto_now_add":
			o.autoNowAdd = true
		case "default":
			o.hasDefault, o.def = true, val
		case "reverse", "through", "from", "to":
			if strings.ContainsAny(val, nameBreakers) {
				return o, fmt.Errorf("%s:%s: a %s cannot contain quotes, parentheses, commas or spaces", key, val, nameKind[key])
			}
			switch key {
			case "reverse":
				o.reverse = val
			case "through":
				o.through = val
			case "from":
				o.from = val
			default:
				o.to = val
			}
		case "on_delete":
			action, ok := onDeleteActions[strings.ToLower(val)]
			if !ok {
				return o, fmt.Errorf("on_delete:%s: want one of cascade, set_null, restrict, protect, no_action, set_default", val)
			}
			o.onDelete = action
		case "type":
			o.sqlType = val
		}
	}
	return o, nil
}

// nameBreakers are the characters a name option (a table, a column, a Go
// field) never holds: the ones the tag syntax gives a meaning, and spaces.
const nameBreakers = "'\"`(), \t\r\n"

var nameKind = map[string]string{
	"reverse": "field name", "through": "table or column name", "from": "table or column name", "to": "table or column name",
}

// splitTag cuts a tag at its top-level commas. Single quotes are SQL's (two
// of them inside a quoted string stand for one), parentheses nest.
func splitTag(tag string) ([]string, error) {
	var parts []string
	depth, quoted, start := 0, false, 0
	for i := 0; i < len(tag); i++ {
		switch c := tag[i]; {
		case c == '\'':
			quoted = !quoted
		case quoted:
		case c == '(':
			depth++
		case c == ')':
			if depth == 0 {
				return nil, fmt.Errorf("orm tag %q: unbalanced parenthesis at byte %d", tag, i)
			}
			depth--
		case c == ',' && depth == 0:
			parts = append(parts, tag[start:i])
			start = i + 1
		}
	}
	switch {
	case quoted:
		return nil, fmt.Errorf("orm tag %q: unterminated quote (')", tag)
	case depth > 0:
		return nil, fmt.Errorf("orm tag %q: unclosed parenthesis", tag)
	}
	return append(parts, tag[start:]), nil
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// only returns an error naming the first option set that is not in allowed.
func (o tagOptions) only(what string, allowed ...string) error {
	ok := map[string]bool{}
	for _, a := range allowed {
		ok[a] = true
	}
	for _, k := range sortedKeys(o.set) {
		if !ok[k] {
			return fmt.Errorf("orm tag option %q does not apply to %s", k, what)
		}
	}
	return nil
}
