package migrate_test

import (
	"strings"
	"testing"

	"github.com/eagerorm/eager/migrate"
	"github.com/stretchr/testify/require"
)

func TestSplitSQL(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{" ; ;\n", nil},
		{"SELECT 1", []string{"SELECT 1"}},
		{"SELECT 1; SELECT 2;", []string{"SELECT 1", "SELECT 2"}},
		{"SELECT 'a;b'; SELECT 'it''s;'", []string{"SELECT 'a;b'", "SELECT 'it''s;'"}},
		{`SELECT E'a\';b'; SELECT 2`, []string{`SELECT E'a\';b'`, "SELECT 2"}},
		{`SELECT 'a\'; SELECT 2`, []string{`SELECT 'a\'`, "SELECT 2"}}, // standard strings: backslash is no escape
		{`SELECT "we;ird"""; SELECT 2`, []string{`SELECT "we;ird"""`, "SELECT 2"}},
		{"SELECT $$a;b$$; SELECT $x$ $$; $x$", []string{"SELECT $$a;b$$", "SELECT $x$ $$; $x$"}},
		{"SELECT $1; SELECT a$b; SELECT 2", []string{"SELECT $1", "SELECT a$b", "SELECT 2"}},
		{"SELECT 1 -- x; y\n; SELECT 2", []string{"SELECT 1 -- x; y", "SELECT 2"}},
		{"SELECT /* a /* nested; */ ; */ 1; SELECT 2", []string{"SELECT /* a /* nested; */ ; */ 1", "SELECT 2"}},
		{"-- only a comment", nil},
		{"/* c */ ; SELECT 1", []string{"SELECT 1"}},
		{"CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 1 END; END; SELECT 2",
			[]string{"CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 1 END; END", "SELECT 2"}},
		{"create or replace procedure p() language sql begin atomic select 1; end; select 2",
			[]string{"create or replace procedure p() language sql begin atomic select 1; end", "select 2"}},
		{"BEGIN; SELECT 1; END;", []string{"BEGIN", "SELECT 1", "END"}}, // not a routine: BEGIN is a statement
		{"SELECT 'unterminated; SELECT 2", []string{"SELECT 'unterminated; SELECT 2"}},
	} {
		require.Equal(t, tc.want, migrate.SplitSQL(tc.in), "%q", tc.in)
	}
}

// FuzzSplitSQL: whatever the input, the pieces are trimmed, non-empty, appear
// in the input in order, and each piece splits into itself (the splitter
// restarts in the same state after every statement it cuts).
func FuzzSplitSQL(f *testing.F) {
	for _, s := range []string{
		"SELECT 1; SELECT 2", "SELECT 'a;b'", `E'\';'`, "$$;$$;", "$a$;$a$", "-- c\n;", "/* /* */ ; */;",
		"CREATE FUNCTION f() BEGIN ATOMIC SELECT 1; END; SELECT 2", `"a;""b";`, "a$b$;c", "'", "$x$", "/*",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		pieces := migrate.SplitSQL(in)
		rest := in
		for _, p := range pieces {
			if p == "" || p != strings.TrimSpace(p) {
				t.Fatalf("piece %q is empty or untrimmed", p)
			}
			i := strings.Index(rest, p)
			if i < 0 {
				t.Fatalf("piece %q is not in the rest of the input %q", p, rest)
			}
			rest = rest[i+len(p):]
			if again := migrate.SplitSQL(p); len(again) != 1 || again[0] != p {
				t.Fatalf("piece %q splits into %q", p, again)
			}
		}
	})
}
