package queryset

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	. "github.com/eagerorm/eager/internal/testdomain"
)

func reviews() QuerySet[Review] { return New[Review](offline) }

// lockGoldenCases: every form of ForUpdate's clause, and which tables it
// locks next to joins. Kept apart from goldenCases (its own directory) so
// that -update of either rewrites only its own files.
func lockGoldenCases() map[string]sqlFunc {
	novels := books().Filter(Q{"genre": "novel"})
	return map[string]sqlFunc{
		"plain":              novels.ForUpdate().SQL,
		"nowait":             novels.ForUpdate(NoWait()).SQL,
		"skip_locked_queue":  novels.OrderBy("id").ForUpdate(SkipLocked()).Limit(1).SQL,
		"no_key_update":      novels.ForUpdate(NoKeyUpdate()).SQL,
		"share":              novels.ForUpdate(Share(), NoWait()).SQL,
		"key_share":          novels.ForUpdate(KeyShare(), SkipLocked()).SQL,
		"select_related":     books().SelectRelated("author", "publisher").ForUpdate().SQL,
		"filter_join":        books().Filter(Q{"author__name": "Ann"}).ForUpdate().SQL,
		"exists_no_of":       books().Filter(Q{"reviews__stars": 5}).ForUpdate().SQL,
		"of_self":            books().SelectRelated("publisher").ForUpdate(Of("self")).SQL,
		"of_related":         books().SelectRelated("author").ForUpdate(Of("self", "author")).SQL,
		"of_related_only":    books().ForUpdate(Of("author"), NoKeyUpdate()).SQL,
		"of_two_hops":        reviews().SelectRelated("book__author").ForUpdate(Of("self", "book__author")).SQL,
		"of_nullable_filter": books().Filter(Q{"publisher__name": "P1"}).SelectRelated("publisher").ForUpdate(Of("self", "publisher")).SQL,
		"of_then_left":       books().SelectRelated("author__mentor").ForUpdate(Of("self", "author")).SQL,
	}
}

func TestLockGoldenSQL(t *testing.T) {
	dir := filepath.Join("testdata", "forupdate")
	for name, fn := range lockGoldenCases() {
		t.Run(name, func(t *testing.T) {
			sql, args, err := fn()
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			got := sql + "\n-- args: " + formatArgs(args) + "\n"
			file := filepath.Join(dir, name+".sql")
			if *update {
				if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run go test ./queryset -run TestLockGoldenSQL -update)", err)
			}
			if got != string(want) {
				t.Errorf("SQL for %s changed (go test -run TestLockGoldenSQL -update to accept)\n got: %s\nwant: %s", name, got, want)
			}
		})
	}
}

// TestLockErrors: every misuse is an error naming the model and the option
// or path, returned before anything is sent.
func TestLockErrors(t *testing.T) {
	cases := map[string]struct {
		fn   sqlFunc
		want []string
	}{
		"nowait_skip":   {books().ForUpdate(NoWait(), SkipLocked()).SQL, []string{"ForUpdate on Book", "NoWait and SkipLocked together"}},
		"two_strengths": {books().ForUpdate(Share(), KeyShare()).SQL, []string{"ForUpdate on Book", "Share and KeyShare together"}},
		"of_empty":      {books().ForUpdate(Of()).SQL, []string{"ForUpdate on Book", "Of()"}},
		"of_unknown":    {books().ForUpdate(Of("auther")).SQL, []string{"Book", "auther", "author"}},
		"of_column":     {books().ForUpdate(Of("title")).SQL, []string{"Book.title is a column"}},
		"of_multi":      {books().ForUpdate(Of("reviews")).SQL, []string{"Book", "reviews", "to-one relations only"}},
		"of_nullable":   {books().SelectRelated("publisher").ForUpdate(Of("self", "publisher")).SQL, []string{"Book", "publisher", "nullable side of an outer join"}},
		"of_nullable_ordered": {books().Filter(Q{"publisher__name": "P1"}).OrderBy("publisher__name").ForUpdate(Of("publisher")).SQL,
			[]string{"Book", "publisher", "LEFT JOIN"}},
		"of_reverse_o2o": {authors().ForUpdate(Of("profile")).SQL, []string{"Author", "profile", "nullable side of an outer join"}},
		"distinct":       {books().Distinct().ForUpdate().SQL, []string{"ForUpdate on Book", "Distinct"}},
		"prefetch": {books().PrefetchRelated(Prefetch("reviews", reviews().ForUpdate())).SQL,
			[]string{"PrefetchRelated on Book", `Prefetch("reviews")`, "ForUpdate"}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, _, err := c.fn()
			if err == nil {
				t.Fatalf("no error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}
