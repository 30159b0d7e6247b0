package migrate

import "testing"

func TestNormType(t *testing.T) {
	for in, want := range map[string]string{
		"integer": "integer", "INT4": "integer", "int": "integer", "bigserial": "bigint",
		"character varying(40)": "varchar(40)", "VARCHAR( 40 )": "varchar(40)",
		"numeric(10, 2)": "numeric(10,2)", "decimal(10,2)": "numeric(10,2)",
		"timestamp with time zone": "timestamptz", "timestamp(3) with time zone": "timestamptz(3)",
		"text[]": "text[]", "integer ARRAY": "integer[]", "int4[][]": "integer[][]",
		"double precision": "double precision", "float8": "double precision",
		"mood": "mood", "public.mood": "public.mood",
	} {
		if got := normType(in); got != want {
			t.Errorf("normType(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzNormType: type strings come from model tags and hand-written
// migrations. Normalising never panics, is idempotent, and a type always
// widens to itself and to its own normal form.
func FuzzNormType(f *testing.F) {
	for _, s := range []string{"integer", "numeric(10,2)", "varchar(", "timestamp(3) with time zone", "text[][]",
		"numeric(a,b)", ")(", "int[] array", "character varying(-1)"} {
		f.Add(s, "bigint")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		n := normType(a)
		if normType(n) != n {
			t.Fatalf("normType not idempotent: %q -> %q -> %q", a, n, normType(n))
		}
		if !widens(a, a) || !widens(a, n) {
			t.Fatalf("%q does not widen to itself", a)
		}
		_ = widens(a, b)
	})
}

func FuzzObjectName(f *testing.F) {
	f.Add("customer", "email", "key")
	f.Add("ééééééééééééééééééééééééééééééééééééééé", "ü", "idx")
	f.Fuzz(func(t *testing.T, table, column, label string) {
		if len(label) > 20 {
			return
		}
		if n := objectName(table, column, label); len(n) > maxIdentLen && len(label)+2 < maxIdentLen {
			t.Fatalf("objectName(%q, %q, %q) = %q: %d bytes", table, column, label, n, len(n))
		}
	})
}
