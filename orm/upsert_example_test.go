package orm_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/eagerorm/eager/orm"
)

func ExampleOnConflict() {
	ctx := context.Background()
	db, done := exampleDB("example_on_conflict")
	defer done()

	first := &Member{Name: "Ann", Email: "ann@example.com"}
	if err := orm.Insert(ctx, db, first); err != nil {
		panic(err)
	}
	// The same email again: update the name, read the stored row back.
	again := &Member{Name: "Ann B.", Email: "ann@example.com"}
	if err := orm.Insert(ctx, db, again, orm.OnConflict("email").DoUpdate("name")); err != nil {
		panic(err)
	}
	fmt.Println(again.ID == first.ID, again.Name)

	// Or leave the row alone, and be told.
	err := orm.Insert(ctx, db, &Member{Name: "X", Email: "ann@example.com"}, orm.OnConflict("email").DoNothing())
	fmt.Println(errors.Is(err, orm.ErrNotInserted))
	// Output:
	// true Ann B.
	// true
}

func ExampleBulkUpdate() {
	ctx := context.Background()
	db, done := exampleDB("example_bulk_update")
	defer done()

	members := []*Member{{Name: "ann", Email: "ann@example.com"}, {Name: "bo", Email: "bo@example.com"}}
	if err := orm.BulkInsert(ctx, db, members); err != nil {
		panic(err)
	}
	members[0].Name, members[1].Name = "Ann", "Bo" // each row its own value
	n, err := orm.BulkUpdate(ctx, db, members, "name")
	fmt.Println(n, err)
	// Output: 2 <nil>
}
