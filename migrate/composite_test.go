package migrate_test

import (
	"testing"

	"github.com/eagerorm/eager/internal/pgtest"
	"github.com/eagerorm/eager/migrate"
	"github.com/eagerorm/eager/relations"
	"github.com/stretchr/testify/require"
)

// A through model whose key is the pair of foreign keys (orm:"pk" on both):
// its table gets a composite PRIMARY KEY, which also keeps each link once.
type Shelf struct {
	ID     int64                        `db:"id" orm:"pk"`
	Labels relations.ManyToMany[Label]  `orm:"through:shelf_label,from:shelf_id,to:label_id"`
	Links  relations.Many[ShelfLabel]   `orm:"reverse:Shelf"`
	Owner  relations.ForeignKey[Person] `db:"owner_id" orm:"null"`
}

type Label struct {
	ID   int64  `db:"id" orm:"pk"`
	Name string `db:"name"`
}

type ShelfLabel struct {
	Shelf   relations.ForeignKey[Shelf] `db:"shelf_id" orm:"pk,on_delete:cascade"`
	Label   relations.ForeignKey[Label] `db:"label_id" orm:"pk,index"`
	Ordinal int32                       `db:"ordinal" orm:"default:0"`
}

type Person struct {
	ID int64 `db:"id" orm:"pk"`
}

func TestCompositePrimaryKey(t *testing.T) {
	t.Parallel()
	pg := pgtest.New(t)
	dir := t.TempDir()
	code, _, _ := cli(t, []string{"makemigrations"}, migrate.Dir(dir), migrate.Models(Shelf{}), migrate.Migrations())
	require.Equal(t, 0, code)
	ms := loadDir(t, dir)
	require.Len(t, ms, 1)
	code, _, _ = cli(t, []string{"migrate", "-dsn", pg.DSN}, migrate.Migrations(ms...))
	require.Equal(t, 0, code)
	requireCatalog(t, pg, []string{
		"column shelf.id bigint not null identity",
		"column shelf.owner_id bigint",
		"constraint shelf.shelf_pkey PRIMARY KEY (id)",
		"constraint shelf.shelf_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES person(id)",
		"column label.id bigint not null identity",
		"column label.name text not null",
		"constraint label.label_pkey PRIMARY KEY (id)",
		"column person.id bigint not null identity",
		"constraint person.person_pkey PRIMARY KEY (id)",
		"column shelf_label.shelf_id bigint not null",
		"column shelf_label.label_id bigint not null",
		"column shelf_label.ordinal integer not null default 0",
		"constraint shelf_label.shelf_label_pkey PRIMARY KEY (shelf_id, label_id)",
		"index shelf_label.shelf_label_label_id_idx CREATE INDEX shelf_label_label_id_idx ON shelf_label USING btree (label_id)",
		"constraint shelf_label.shelf_label_shelf_id_fkey FOREIGN KEY (shelf_id) REFERENCES shelf(id) ON DELETE CASCADE",
		"constraint shelf_label.shelf_label_label_id_fkey FOREIGN KEY (label_id) REFERENCES label(id)",
	})
	code, _, _ = cli(t, []string{"makemigrations", "--check"}, migrate.Models(ShelfLabel{}, Label{}, Shelf{}), migrate.Migrations(ms...))
	require.Equal(t, 0, code, "the same schema from the through model's side")
}
