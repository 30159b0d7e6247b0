package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/eagerorm/eager/orm"
	"github.com/eagerorm/eager/queryset"
)

// latestRentals: the 10 latest rentals with their customer, the customer's
// address, its city and its country, and the rented film: one statement,
// every to-one hop a JOIN.
func latestRentals(ctx context.Context, db *orm.DB) ([]*Rental, error) {
	return queryset.New[Rental](db).
		SelectRelated("customer__address__city__country", "inventory__film").
		OrderBy("-rental_date", "-id").
		Limit(10).
		All(ctx)
}

// filmsWithCast: the first 10 films by title with their language and
// original language (two foreign keys to one table: two JOINs in the films'
// statement), their categories and actors (ordered by name): three
// statements, one per level, whatever the number of films.
func filmsWithCast(ctx context.Context, db *orm.DB) ([]*Film, error) {
	return queryset.New[Film](db).
		SelectRelated("language", "original_language").
		PrefetchRelated(
			queryset.Prefetch("actors", queryset.New[Actor](db).OrderBy("last_name", "first_name")),
			queryset.Prefetch("categories", queryset.New[Category](db).OrderBy("name"))).
		OrderBy("title").
		Limit(10).
		All(ctx)
}

// rentalsPerCategory: how many times the films of each category were
// rented, from rental through inventory and film to the many-to-many
// categories: one GROUP BY statement.
func rentalsPerCategory(ctx context.Context, db *orm.DB) ([]map[string]any, error) {
	return queryset.New[Rental](db).
		GroupBy("inventory__film__categories__name").
		Annotate(queryset.Count("id").As("rentals")).
		OrderBy("-rentals", "inventory__film__categories__name").
		Values(ctx)
}

// counter counts the statements a DB sends (transaction control aside).
type counter struct{ n atomic.Int64 }

func (c *counter) BeforeQuery(ctx context.Context, _ orm.QueryEvent) context.Context { return ctx }

func (c *counter) AfterQuery(_ context.Context, ev orm.QueryEvent) {
	if !ev.TxControl {
		c.n.Add(1)
	}
}

// counts are the statements each part of the report sent.
type counts struct{ rentals, films, categories int }

// report runs the three queries on db and prints them to w. Rows are read
// in orm.Strict mode: touching a relation that the query did not load
// would panic instead of quietly sending one more statement per row, so
// the counts printed are the whole cost, printing included.
func report(ctx context.Context, w io.Writer, db *orm.DB) (counts, error) {
	c := &counter{}
	db = db.WithHooks(c).WithLoadMode(orm.Strict)
	var out counts
	section := func(title, how string, n *int, body func(tw *tabwriter.Writer) error) error {
		var buf strings.Builder
		tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
		c.n.Store(0)
		start := time.Now()
		if err := body(tw); err != nil {
			return fmt.Errorf("%s: %w", title, err)
		}
		took := time.Since(start)
		*n = int(c.n.Load())
		tw.Flush()
		fmt.Fprintf(w, "\n%s\n   %s: %s, %s\n\n", title, how, plural(*n, "statement"), took.Round(10*time.Microsecond))
		for _, line := range strings.SplitAfter(buf.String(), "\n") {
			if line != "" {
				fmt.Fprint(w, "   "+line)
			}
		}
		return nil
	}

	err := section("1. The 10 latest rentals, with customer -> address -> city -> country and the film",
		`SelectRelated("customer__address__city__country", "inventory__film")`, &out.rentals,
		func(tw *tabwriter.Writer) error {
			rentals, err := latestRentals(ctx, db)
			if err != nil {
				return err
			}
			fmt.Fprintln(tw, "RENTAL\tDATE (UTC)\tCUSTOMER\tCITY\tCOUNTRY\tFILM")
			for _, r := range rentals {
				cust, err := r.Customer.Get(ctx)
				if err != nil {
					return err
				}
				addr, err := cust.Address.Get(ctx)
				if err != nil {
					return err
				}
				city, err := addr.City.Get(ctx)
				if err != nil {
					return err
				}
				country, err := city.Country.Get(ctx)
				if err != nil {
					return err
				}
				inv, err := r.Inventory.Get(ctx)
				if err != nil {
					return err
				}
				film, err := inv.Film.Get(ctx)
				if err != nil {
					return err
				}
				fmt.Fprintf(tw, "%d\t%s\t%s %s\t%s\t%s\t%s\n", r.ID, r.RentalDate.UTC().Format("2006-01-02 15:04"),
					cust.FirstName, cust.LastName, city.Name, country.Name, film.Title)
			}
			return nil
		})
	if err != nil {
		return out, err
	}

	err = section("2. The first 10 films by title, with their language, categories and actors",
		`SelectRelated("language", "original_language").PrefetchRelated("actors", "categories")`, &out.films,
		func(tw *tabwriter.Writer) error {
			films, err := filmsWithCast(ctx, db)
			if err != nil {
				return err
			}
			fmt.Fprintln(tw, "FILM\tRATING\tLANGUAGE\tCATEGORIES\tACTORS")
			for _, f := range films {
				cats, err := f.Categories.All(ctx)
				if err != nil {
					return err
				}
				actors, err := f.Actors.All(ctx)
				if err != nil {
					return err
				}
				var catNames, actorNames []string
				for _, c := range cats {
					catNames = append(catNames, c.Name)
				}
				for _, a := range actors {
					actorNames = append(actorNames, a.FirstName+" "+a.LastName)
				}
				rating := "-"
				if f.Rating != nil {
					rating = *f.Rating
				}
				lang, err := f.Language.Get(ctx)
				if err != nil {
					return err
				}
				language := strings.TrimSpace(lang.Name) // character(20) is blank-padded
				orig, err := f.OriginalLanguage.Get(ctx) // nil: NULL (LEFT JOIN)
				if err != nil {
					return err
				}
				if orig != nil {
					language += " (from " + strings.TrimSpace(orig.Name) + ")"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", f.Title, rating, language, strings.Join(catNames, ", "), abbreviate(actorNames, 3))
			}
			return nil
		})
	if err != nil {
		return out, err
	}

	err = section("3. Rentals per category",
		`GroupBy("inventory__film__categories__name").Annotate(Count("id").As("rentals"))`, &out.categories,
		func(tw *tabwriter.Writer) error {
			rows, err := rentalsPerCategory(ctx, db)
			if err != nil {
				return err
			}
			fmt.Fprintln(tw, "CATEGORY\tRENTALS")
			for _, row := range rows {
				fmt.Fprintf(tw, "%s\t%d\n", row["inventory__film__categories__name"], row["rentals"])
			}
			return nil
		})
	return out, err
}

// abbreviate lists the first n names and how many more there are.
func abbreviate(names []string, n int) string {
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:n], ", "), len(names)-n)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
