package queryset

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	. "github.com/eagerorm/eager/internal/testdomain"
	"github.com/eagerorm/eager/orm"
)

var update = flag.Bool("update", false, "rewrite the golden SQL files in testdata/golden")

// offline is a DB that is never sent anything: golden tests only compile.
var offline = orm.New(nil)

type sqlFunc func() (string, []any, error)

func books() QuerySet[Book]     { return New[Book](offline) }
func authors() QuerySet[Author] { return New[Author](offline) }

var (
	day  = time.Date(2005, 6, 1, 0, 0, 0, 0, time.UTC)
	day2 = time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC)
)

// goldenCases: every lookup, every combination the issue names, and the
// other statements a QuerySet builds. The SQL text is the contract users
// read in tutorials, so changes to it must be deliberate (-update).
func goldenCases() map[string]sqlFunc {
	c := map[string]sqlFunc{
		"all":                 books().SQL,
		"exact":               books().Filter(Q{"title": "Alpha"}).SQL,
		"exact_nil":           books().Filter(Q{"rating": nil}).SQL,
		"iexact":              books().Filter(Q{"title__iexact": "alpha"}).SQL,
		"contains":            books().Filter(Q{"title__contains": "50%_"}).SQL,
		"icontains":           books().Filter(Q{"title__icontains": "a"}).SQL,
		"startswith":          books().Filter(Q{"title__startswith": "Al"}).SQL,
		"istartswith":         books().Filter(Q{"title__istartswith": "al"}).SQL,
		"endswith":            books().Filter(Q{"title__endswith": "ha"}).SQL,
		"iendswith":           books().Filter(Q{"title__iendswith": "HA"}).SQL,
		"in":                  books().Filter(Q{"id__in": []int{1, 2, 3}}).SQL,
		"in_with_nil":         books().Filter(Q{"rating__in": []any{5, nil}}).SQL,
		"in_empty":            books().Filter(Q{"id__in": []int{}}).SQL,
		"exclude_in_empty":    books().Exclude(Q{"id__in": []int{}}).SQL,
		"in_strings_enum":     books().Filter(Q{"genre__in": []string{"novel", "essay"}}).SQL,
		"gt":                  books().Filter(Q{"pages__gt": 100}).SQL,
		"gte":                 books().Filter(Q{"pages__gte": 100}).SQL,
		"lt":                  books().Filter(Q{"pages__lt": 100}).SQL,
		"lte":                 books().Filter(Q{"pages__lte": 100}).SQL,
		"range":               books().Filter(Q{"published__range": []time.Time{day, day2}}).SQL,
		"isnull_true":         books().Filter(Q{"rating__isnull": true}).SQL,
		"isnull_false":        books().Filter(Q{"rating__isnull": false}).SQL,
		"regex":               books().Filter(Q{"title__regex": "^A.*a$"}).SQL,
		"iregex":              books().Filter(Q{"title__iregex": "^a"}).SQL,
		"date":                books().Filter(Q{"published__date": day}).SQL,
		"date_gte":            books().Filter(Q{"published__date__gte": day}).SQL,
		"year":                books().Filter(Q{"published__year": 2005}).SQL,
		"year_gt":             books().Filter(Q{"published__year__gt": 2005}).SQL,
		"year_lte":            books().Filter(Q{"published__year__lte": 2005}).SQL,
		"year_in":             books().Filter(Q{"published__year__in": []int{2005, 2020}}).SQL,
		"month":               books().Filter(Q{"published__month": 12}).SQL,
		"day":                 books().Filter(Q{"published__day__gte": 15}).SQL,
		"hour":                books().Filter(Q{"published__hour__gte": 12}).SQL,
		"numeric_string":      books().Filter(Q{"price__gte": "10.5"}).SQL,
		"pk":                  books().Filter(Q{"pk": 1}).SQL,
		"f_compare":           books().Filter(Q{"pages__gt": F("rating").Mul(10)}).SQL,
		"f_exclude_nullable":  books().Exclude(Q{"pages__gt": F("rating").Mul(10)}).SQL,
		"and_q":               books().Filter(Q{"genre": "novel", "pages__gte": 100}).SQL,
		"and_calls":           books().Filter(Q{"genre": "novel"}).Filter(Q{"pages__gte": 100}).SQL,
		"or":                  books().Filter(Or(Q{"genre": "novel"}, Q{"pages__lt": 100})).SQL,
		"not":                 books().Filter(Not(Q{"genre": "novel"})).SQL,
		"and_or_not":          books().Filter(And(Q{"pages__gt": 10}, Or(Q{"genre": "novel"}, Not(Q{"rating__lt": 3})))).SQL,
		"empty_q":             books().Filter(Q{}).SQL,
		"exclude_not_null":    books().Exclude(Q{"pages": 100}).SQL,
		"exclude_nullable":    books().Exclude(Q{"rating": 5}).SQL,
		"exclude_nil":         books().Exclude(Q{"rating": nil}).SQL,
		"exclude_two":         books().Exclude(Q{"rating": 5, "pages": 100}).SQL,
		"fk_key":              books().Filter(Q{"author": 1}).SQL,
		"fk_pk":               books().Filter(Q{"author__pk": 1}).SQL,
		"fk_id":               books().Filter(Q{"author__id": 1}).SQL,
		"fk_object":           books().Filter(Q{"author": &Author{ID: 2}}).SQL,
		"fk_isnull":           books().Filter(Q{"publisher__isnull": true}).SQL,
		"join_inner":          books().Filter(Q{"author__name": "Ann"}).SQL,
		"join_nullable_inner": books().Filter(Q{"publisher__name": "P1"}).SQL,
		"join_isnull_left":    books().Filter(Q{"publisher__country__isnull": true}).SQL,
		"join_or_left":        books().Filter(Or(Q{"publisher__name": "P1"}, Q{"pages__lt": 100})).SQL,
		"join_exclude_left":   books().Exclude(Q{"publisher__name": "P2"}).SQL,
		"join_two_hops":       books().Filter(Q{"publisher__country__name": "France"}).SQL,
		"join_reuse":          books().Filter(Q{"author__name": "Ann"}).OrderBy("author__name").SQL,
		"join_promoted":       books().Filter(Q{"publisher__name": "P1"}).Filter(Or(Q{"publisher__name": "P2"}, Q{"id": 3})).SQL,
		"multi_reverse_fk":    books().Filter(Q{"reviews__stars__gte": 4}).SQL,
		"multi_same_row":      books().Filter(Q{"reviews__stars__gte": 4, "reviews__body": "great"}).SQL,
		"multi_separate":      books().Filter(Q{"reviews__stars__gte": 4}).Filter(Q{"reviews__body": "great"}).SQL,
		"multi_m2m":           books().Filter(Q{"tags__name": "red"}).SQL,
		"multi_m2m_object":    books().Filter(Q{"tags": &Tag{ID: 1}}).SQL,
		"multi_isnull":        authors().Filter(Q{"books__isnull": true}).SQL,
		"multi_isnull_false":  authors().Filter(Q{"books__isnull": false}).SQL,
		"multi_exclude":       books().Exclude(Q{"reviews__stars": 1}).SQL,
		"multi_exclude_two":   books().Exclude(Q{"reviews__stars__gte": 4, "reviews__body": "good"}).SQL,
		"multi_nested":        authors().Filter(Q{"books__reviews__stars": 1, "books__genre": "novel"}).SQL,
		"multi_then_join":     authors().Filter(Q{"books__publisher__name": "P1"}).SQL,
		"multi_or":            books().Filter(Or(Q{"tags__name": "red"}, Q{"reviews__stars": 5})).SQL,
		// Issue 11: NULL tests after a multi-valued step, the same related
		// row across Or and Not, empty Q, related keys, join promotion.
		"multi_nil":                  books().Filter(Q{"reviews": nil}).SQL,
		"multi_id_isnull":            books().Filter(Q{"reviews__id__isnull": true}).SQL,
		"multi_m2m_id_isnull":        books().Filter(Q{"tags__id__isnull": true}).SQL,
		"multi_two_hops_isnull":      authors().Filter(Q{"books__tags__isnull": true}).SQL,
		"multi_nullable_nil":         authors().Filter(Q{"books__rating": nil}).SQL,
		"multi_nullable_nil_exclude": authors().Exclude(Q{"books__rating": nil}).SQL,
		"multi_to_one_then_isnull":   books().Filter(Q{"author__books__rating__isnull": true}).SQL,
		"multi_or_same_row":          books().Filter(And(Or(Q{"reviews__stars": 5}, Q{"reviews__stars": 1}), Q{"reviews__body": "ok"})).SQL,
		"multi_ticket_2306":          books().Filter(Q{"tags": 1}, Or(Q{"author__name": "fred"}, Q{"tags": 2})).SQL,
		"multi_two_relations":        books().Filter(Or(Q{"tags__name": "red"}, Q{"reviews__stars": 5}), Q{"tags__name": "blue", "reviews__body": "ok"}).SQL,
		"multi_not_same_row":         books().Filter(Q{"reviews__stars__gte": 4}, Not(Q{"reviews__body": "good"})).SQL,
		"multi_not_alone":            books().Filter(Not(Q{"reviews__body": "good"})).SQL,
		"multi_or_not_same_row":      books().Filter(Or(Q{"reviews__stars": 5}, Not(Q{"reviews__body": "great"}))).SQL,
		"multi_key_gt":               books().Filter(Q{"reviews__gt": 3}).SQL,
		"multi_reverse_o2o_isnull":   authors().Filter(Q{"mentees__profile__isnull": true}).SQL,
		"multi_f_outer":              books().Filter(Q{"reviews__stars__gt": F("rating")}).SQL,
		"iexact_nil":                 authors().Filter(Q{"email__iexact": nil}).SQL,
		"empty_exclude":              books().Exclude(Q{}).SQL,
		"empty_not":                  books().Filter(Not(Q{}), Or(Not(Q{}), Q{})).SQL,
		"empty_or":                   books().Filter(Or(Q{}, Q{"pages": 100})).SQL,
		"not_not":                    books().Filter(Not(Not(Q{"rating": 5, "publisher__name": "P1"}))).SQL,
		"related_filtered_inner":     books().Filter(Q{"publisher__name": "P1"}).SelectRelated("publisher").SQL,
		"related_key_filter_left":    books().Filter(Q{"publisher": 1}).SelectRelated("publisher").SQL,
		"related_filtered_join":      books().Filter(Q{"publisher__name": "P1"}).SelectRelated("publisher__country").SQL,
		"related_or_left":            books().Filter(Or(Q{"publisher": 1}, Q{"pages": 1})).SelectRelated("publisher").SQL,
		"order":                      books().OrderBy("-published", "author__name", "pk").SQL,
		"order_nullable":             books().OrderBy("publisher__name").SQL,
		"limit_offset":               books().OrderBy("id").Limit(2).Offset(1).SQL,
		"distinct":                   books().Filter(Q{"genre": "novel"}).Distinct().SQL,
		"update_f": func() (string, []any, error) {
			return books().Filter(Q{"genre": "novel"}).updateSQLFor(map[string]any{"price": F("price").Mul(1.1)})
		},
		"update_join": func() (string, []any, error) {
			return books().Filter(Q{"author__name": "Ann"}).updateSQLFor(map[string]any{"rating": nil, "pages": 1})
		},
		"delete":           func() (string, []any, error) { return books().Filter(Q{"rating__lt": 2}).deleteSQLFor() },
		"delete_exists":    func() (string, []any, error) { return books().Filter(Q{"reviews__stars": 1}).deleteSQLFor() },
		"count":            func() (string, []any, error) { return books().Filter(Q{"genre": "novel"}).countSQLFor() },
		"count_sliced":     func() (string, []any, error) { return books().OrderBy("id").Limit(2).countSQLFor() },
		"group_count":      books().GroupBy("genre").Annotate(Count("*")).OrderBy("genre").SQL,
		"group_path":       books().GroupBy("author__name").Annotate(Count("id").As("n"), Sum("pages"), Avg("rating")).SQL,
		"group_multi":      books().GroupBy("tags__name").Annotate(Count("id")).SQL,
		"group_having":     books().GroupBy("genre").Annotate(Count("*")).Having(Q{"count__gte": 2}).SQL,
		"agg_filter":       authors().GroupBy("name").Annotate(Count("books").Filter(Q{"books__genre": "novel"}).As("novels")).SQL,
		"aggregate":        books().Filter(Q{"genre": "novel"}).GroupBy().Annotate(Sum("pages"), Max("published")).SQL,
		"aggregate_sliced": books().OrderBy("id").Limit(2).GroupBy().Annotate(Sum("pages")).SQL,
	}
	return c
}

func (qs QuerySet[T]) updateSQLFor(set map[string]any) (string, []any, error) {
	s, a, _, err := qs.updateSQL(set)
	return s, a, err
}

func (qs QuerySet[T]) deleteSQLFor() (string, []any, error) {
	s, a, _, err := qs.deleteSQL()
	return s, a, err
}

func (qs QuerySet[T]) countSQLFor() (string, []any, error) {
	s, a, _, err := qs.countSQL()
	return s, a, err
}

func TestGoldenSQL(t *testing.T) {
	dir := filepath.Join("testdata", "golden")
	if *update {
		os.RemoveAll(dir)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for name, fn := range goldenCases() {
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
				t.Fatalf("%v (run go test ./queryset -run TestGoldenSQL -update)", err)
			}
			if got != string(want) {
				t.Errorf("SQL for %s changed (go test -run TestGoldenSQL -update to accept)\n got: %s\nwant: %s", name, got, want)
			}
		})
	}
}

func formatArgs(args []any) string {
	parts := make([]string, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case time.Time:
			parts[i] = v.UTC().Format(time.RFC3339)
		default:
			parts[i] = fmt.Sprintf("%#v", v)
		}
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
