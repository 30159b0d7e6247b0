package queryset_test

import (
	"context"
	"fmt"

	. "github.com/eagerorm/eager/internal/testdomain"
	"github.com/eagerorm/eager/orm"
	"github.com/eagerorm/eager/queryset"
)

func ExampleQuerySet_ForUpdate() {
	ctx := context.Background()
	db, done := exampleDB("example_for_update")
	defer done()

	// Take the next unrated book no other transaction holds, and rate it:
	// the lock lasts until RunInTx commits.
	err := db.RunInTx(ctx, func(ctx context.Context, tx *orm.DB) error {
		next, err := queryset.New[Book](tx).
			Filter(queryset.Q{"rating": nil}).
			OrderBy("id").
			ForUpdate(queryset.SkipLocked()).
			First(ctx)
		if err != nil {
			return err
		}
		fmt.Println("took", next.Title)
		_, err = queryset.New[Book](tx).Filter(queryset.Q{"pk": next.ID}).Update(ctx, map[string]any{"rating": 4})
		return err
	})
	fmt.Println(err)

	// Outside a transaction the lock would protect nothing: an error.
	_, err = queryset.New[Book](db).ForUpdate().All(ctx)
	fmt.Println(err)
	// Output:
	// took Beta
	// <nil>
	// queryset Book: ForUpdate needs a transaction: use db.RunInTx and run the query on the DB it passes (outside one, the lock would end with the statement)
}
