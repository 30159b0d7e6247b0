package pgtest

import (
	"context"
	"flag"
	"testing"
)

func TestMain(m *testing.M) { Main(m) }

func TestNewGivesAnIsolatedSchema(t *testing.T) {
	a, b := New(t), New(t)
	ctx := context.Background()
	if _, err := a.Pool.Exec(ctx, "CREATE TABLE thing (id int)"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Pool.Exec(ctx, "CREATE TABLE thing (id int)"); err != nil {
		t.Fatalf("second schema should not see the first's table: %v", err)
	}
	var schema string
	if err := a.Pool.QueryRow(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		t.Fatal(err)
	}
	if schema != a.Schema {
		t.Fatalf("current_schema() = %q, want %q", schema, a.Schema)
	}
}

func TestSchemaNameIsSafe(t *testing.T) {
	n := schemaName(`Test"; DROP/ x--y`)
	for _, r := range n {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			t.Fatalf("unsafe rune %q in %q", r, n)
		}
	}
}

// Without a server, Main keeps the Examples from running by adding them to
// -test.skip, keeping what the command line skips.
func TestSkipExamples(t *testing.T) {
	f := flag.Lookup("test.skip")
	old := f.Value.String()
	defer f.Value.Set(old)
	f.Value.Set("")
	skipExamples()
	if got := f.Value.String(); got != "^Example" {
		t.Fatalf("-test.skip = %q", got)
	}
	f.Value.Set("TestSlow")
	skipExamples()
	if got := f.Value.String(); got != "^Example|TestSlow" {
		t.Fatalf("-test.skip = %q", got)
	}
}
