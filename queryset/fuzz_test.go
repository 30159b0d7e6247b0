package queryset

import (
	"regexp"
	"strings"
	"testing"

	. "github.com/eagerorm/eager/internal/testdomain"
)

var quotedIdent = regexp.MustCompile(`"((?:[^"]|"")*)"`)

// FuzzFilterKey feeds arbitrary keys, values and orderings: compiling must
// never panic, and when it succeeds every identifier in the SQL must come
// from the models' metadata or eager's own aliases, never from the input.
func FuzzFilterKey(f *testing.F) {
	for _, seed := range []string{"title", "author__name__icontains", "reviews__stars__gte", "tags__in", "pk",
		"published__year__gt", `x"; DROP TABLE book; --`, "author____name", "__", "publisher__country__isnull"} {
		f.Add(seed, "value", "-"+seed)
	}
	allowed := map[string]bool{"sub": true}
	f.Fuzz(func(t *testing.T, key, value, order string) {
		qs := New[Book](offline).Filter(Q{key: value}).Exclude(Q{key: []any{value}}).OrderBy(order)
		sql, _, err := qs.SQL()
		if err != nil {
			return
		}
		if len(allowed) == 1 {
			for _, m := range []string{"book", "author", "publisher", "country", "tag", "review", "book_tags"} {
				allowed[m] = true
			}
			for _, q := range []func() []string{columnsOf[Book], columnsOf[Author], columnsOf[Publisher], columnsOf[Country], columnsOf[Tag], columnsOf[Review]} {
				for _, c := range q() {
					allowed[c] = true
				}
			}
			allowed["book_id"], allowed["tag_id"] = true, true
		}
		for _, m := range quotedIdent.FindAllStringSubmatch(sql, -1) {
			id := m[1]
			if allowed[id] || (len(id) > 1 && (id[0] == 'T' || id[0] == 'U') && strings.Trim(id[1:], "0123456789") == "") {
				continue
			}
			t.Fatalf("identifier %q in SQL does not come from metadata:\n%s", id, sql)
		}
	})
}

func columnsOf[T any]() []string {
	qs := New[T](offline)
	var out []string
	for _, f := range qs.model.Columns {
		out = append(out, f.Column)
	}
	return out
}
