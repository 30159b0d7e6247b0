package schema

import (
	"reflect"
	"strings"
	"testing"
)

// FuzzParseTag: any orm tag parses to options or an error, never a panic,
// and a tag that parses keeps its type: override inside the value intact.
func FuzzParseTag(f *testing.F) {
	for _, s := range []string{"pk", "null,unique", "default:now()", "type:numeric(10,2),index", "default:'a,b'",
		"through:t,from:a,to:b", "on_delete:cascade", "pk,pk", "default:", "(((", "'unterminated", ",,,",
		"through:o'brien,from:a,to:b", "default:'it''s',null", "type:x),null", "reverse:A B"} {
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
		for _, name := range []string{o.reverse, o.through, o.from, o.to} {
			if strings.ContainsAny(name, nameBreakers) {
				t.Fatalf("name %q with a quote, parenthesis, comma or space accepted from %q", name, tag)
			}
		}
	})
}

// FuzzThroughKeepsFromTo: whatever the through: value, the from: and to:
// options after it are either read as written or the tag is an error;
// nothing in one option's value swallows the next option.
func FuzzThroughKeepsFromTo(f *testing.F) {
	for _, s := range []string{"post_tags", "o'brien", "'x'", "a(b", "a)b", "a,b", `a"b`, "a'b,c'd", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, through string) {
		tag := "through:" + through + ",from:post_id,to:tag_id"
		o, err := parseTag(tag)
		if err != nil {
			return
		}
		if o.from != "post_id" || o.to != "tag_id" {
			t.Fatalf("%q: from=%q to=%q: an option was swallowed", tag, o.from, o.to)
		}
	})
}

// FuzzModelTags builds a model whose tags are fuzzed, with an unexported
// field among them: the result is a model or a *ModelError, never a panic,
// and an unexported field with a tag is always an error.
func FuzzModelTags(f *testing.F) {
	f.Add("id", "pk", "name", "unique", "", "")
	f.Add("", "", "x", "type:varchar(3)", "secret", "")
	f.Add("", "pk", "", "default:'a", "", "null")
	f.Fuzz(func(t *testing.T, db1, orm1, db2, orm2, db3, orm3 string) {
		tag := func(db, orm string) reflect.StructTag {
			return reflect.StructTag(`db:"` + db + `" orm:"` + orm + `"`)
		}
		hidden := reflect.StructTag("")
		if db3 != "" || orm3 != "" {
			hidden = tag(db3, orm3)
		}
		typ := reflect.StructOf([]reflect.StructField{
			{Name: "ID", Type: reflect.TypeFor[int64](), Tag: tag(db1, orm1)},
			{Name: "Name", Type: reflect.TypeFor[string](), Tag: tag(db2, orm2)},
			{Name: "hidden", PkgPath: "orm", Type: reflect.TypeFor[string](), Tag: hidden},
		})
		m, err := Of(typ)
		if err == nil && m.PK == nil {
			t.Fatal("a model without a primary key was accepted")
		}
		if err == nil && hidden != "" && db3 != "-" {
			if _, hasDB := hidden.Lookup("db"); hasDB {
				t.Fatalf("an unexported field tagged %q was accepted", hidden)
			}
		}
		if err != nil {
			if _, ok := err.(*ModelError); !ok {
				t.Fatalf("want *ModelError, got %T: %v", err, err)
			}
		}
	})
}
