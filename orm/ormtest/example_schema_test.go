package ormtest_test

import (
	"context"
	"fmt"

	"github.com/eagerorm/eager/orm"
	"github.com/eagerorm/eager/orm/ormtest"
	"github.com/eagerorm/eager/queryset"
)

// OpenSchema is the test server's schema-per-test for code without a
// testing.TB, like this Example; tests call ormtest.NewDB(t, models...),
// which drops the schema when the test ends.
func ExampleOpenSchema() {
	ctx := context.Background()
	s, err := ormtest.OpenSchema(ctx, "example", Player{}) // Team comes with Player's foreign key
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()

	ducks := &Team{Name: "Ducks"}
	if err := orm.Insert(ctx, s.DB, ducks); err != nil {
		fmt.Println(err)
		return
	}
	ann := &Player{Name: "Ann"}
	ann.Team.Set(ducks)
	if err := orm.Insert(ctx, s.DB, ann); err != nil {
		fmt.Println(err)
		return
	}
	players, err := queryset.New[Player](s.DB).SelectRelated("team").All(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range players {
		team, _ := p.Team.Get(ctx)
		fmt.Println(p.Name, "plays for the", team.Name)
	}
	// Output:
	// Ann plays for the Ducks
}
