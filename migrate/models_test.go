package migrate_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/eagerorm/eager/internal/pgtest"
	"github.com/eagerorm/eager/migrate"
	"github.com/eagerorm/eager/relations"
	"github.com/stretchr/testify/require"
)

// A ManyToMany whose through table is a model of its own, with an extra
// column: the model owns the table, which is created once, as the model
// says. Person has a self-referencing foreign key.
type Film struct {
	ID     int64                          `db:"id" orm:"pk"`
	Title  string                         `db:"title"`
	Actors relations.ManyToMany[Actor]    `orm:"through:film_actor,from:film_id,to:actor_id"`
	Sequel relations.ForeignKey[Film]     `db:"sequel_id" orm:"null,on_delete:set_null"`
	Cast   relations.Many[FilmActor]      `orm:"reverse:Film"`
	Poster relations.OneToOne[FilmPoster] `db:"poster_id" orm:"null"`
}

type Actor struct {
	ID    int64                      `db:"id" orm:"pk"`
	Name  string                     `db:"name"`
	Films relations.ManyToMany[Film] `orm:"through:film_actor,from:actor_id,to:film_id"`
}

type FilmActor struct {
	ID    int64                       `db:"id" orm:"pk"`
	Film  relations.ForeignKey[Film]  `db:"film_id" orm:"on_delete:cascade"`
	Actor relations.ForeignKey[Actor] `db:"actor_id" orm:"on_delete:cascade"`
	Role  string                      `db:"role" orm:"default:'extra'"`
}

type FilmPoster struct {
	ID  int64  `db:"id" orm:"pk"`
	URL string `db:"url"`
}

func TestThroughModelOwnsItsTable(t *testing.T) {
	t.Parallel()
	pg := pgtest.New(t)
	dir := t.TempDir()
	code, _, _ := cli(t, []string{"makemigrations"}, migrate.Dir(dir), migrate.Models(Film{}), migrate.Migrations())
	require.Equal(t, 0, code)
	ms := loadDir(t, dir)
	require.Len(t, ms, 1)
	code, _, _ = cli(t, []string{"migrate", "-dsn", pg.DSN}, migrate.Migrations(ms...))
	require.Equal(t, 0, code)
	requireCatalog(t, pg, []string{
		"column film.id bigint not null identity",
		"column film.title text not null",
		"column film.sequel_id bigint",
		"column film.poster_id bigint",
		"constraint film.film_pkey PRIMARY KEY (id)",
		"constraint film.film_poster_id_key UNIQUE (poster_id)",
		"constraint film.film_sequel_id_fkey FOREIGN KEY (sequel_id) REFERENCES film(id) ON DELETE SET NULL",
		"constraint film.film_poster_id_fkey FOREIGN KEY (poster_id) REFERENCES film_poster(id)",
		"column actor.id bigint not null identity",
		"column actor.name text not null",
		"constraint actor.actor_pkey PRIMARY KEY (id)",
		"column film_actor.id bigint not null identity",
		"column film_actor.film_id bigint not null",
		"column film_actor.actor_id bigint not null",
		"column film_actor.role text not null default 'extra'::text",
		"constraint film_actor.film_actor_pkey PRIMARY KEY (id)",
		"constraint film_actor.film_actor_film_id_fkey FOREIGN KEY (film_id) REFERENCES film(id) ON DELETE CASCADE",
		"constraint film_actor.film_actor_actor_id_fkey FOREIGN KEY (actor_id) REFERENCES actor(id) ON DELETE CASCADE",
		"column film_poster.id bigint not null identity",
		"column film_poster.url text not null",
		"constraint film_poster.film_poster_pkey PRIMARY KEY (id)",
	})
	// Listing every model, in any order, describes the same schema.
	code, _, _ = cli(t, []string{"makemigrations", "--check"}, migrate.Models(FilmPoster{}, FilmActor{}, Actor{}, Film{}), migrate.Migrations(ms...))
	require.Equal(t, 0, code)
}

type Left struct {
	ID    int64                       `db:"id" orm:"pk"`
	Links relations.ManyToMany[Right] `orm:"through:links,from:left_id,to:right_id"`
}

type Right struct {
	ID    int64                      `db:"id" orm:"pk"`
	Links relations.ManyToMany[Left] `orm:"through:links,from:right_id,to:other_id"`
}

func TestThroughTableDeclaredInconsistently(t *testing.T) {
	_, err := migrate.FromModels(Left{})
	require.ErrorContains(t, err, "through table links: Left.links declares (left_id -> left, right_id -> right) but Right.links declares (right_id -> right, other_id -> left)")
}

func TestTwoModelsOneTable(t *testing.T) {
	_, err := migrate.FromModels(Customer{}, Customer2{})
	require.ErrorContains(t, err, "models Customer and Customer2 both use table customer")
}

func TestCLIUsage(t *testing.T) {
	code, _, stderr := cli(t, nil)
	require.Equal(t, 2, code)
	require.Contains(t, stderr, "usage: go run ./migrations COMMAND")
	code, _, stderr = cli(t, []string{"frobnicate"})
	require.Equal(t, 2, code)
	require.Contains(t, stderr, `unknown command "frobnicate"`)
	code, _, stderr = cli(t, []string{"rollback"})
	require.Equal(t, 2, code)
	require.Contains(t, stderr, "rollback takes one argument")
	code, _, stderr = cli(t, []string{"status", "--fake"})
	require.Equal(t, 2, code)
	require.Contains(t, stderr, "flag provided but not defined: -fake")
	code, _, stderr = cli(t, []string{"sqlmigrate", "0007"}, migrate.Migrations(createItem))
	require.Equal(t, 1, code)
	require.Contains(t, stderr, `no migration "0007" (migrations: 0001_item)`)
	code, _, stderr = cli(t, []string{"makemigrations"}, migrate.Migrations())
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "no models")
}

// TestUnregisteredFile: a numbered file in the directory that the program
// did not register (another package, a build tag, no Register call) stops
// makemigrations, which would otherwise number or diff past it.
func TestUnregisteredFile(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "0001_item.go"), "package main\n")
	writeFile(t, filepath.Join(dir, "0002_forgotten.go"), "package main\n")
	code, _, stderr := cli(t, []string{"makemigrations"}, migrate.Dir(dir), migrate.Models(Tag2{}), migrate.Migrations(createItem))
	require.Equal(t, 1, code)
	require.Contains(t, stderr, `0002_forgotten.go is in`)
	require.Contains(t, stderr, `not registered`)
}

func TestMigrationNames(t *testing.T) {
	type Test struct {
		ID int64 `db:"id" orm:"pk"`
	}
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "doc.go"), "// Package mig holds migrations.\npackage mig\n")
	code, _, _ := cli(t, []string{"makemigrations", "-name", "Start Here!"}, migrate.Dir(dir), migrate.Models(Test{}), migrate.Migrations())
	require.Equal(t, 0, code)
	ms := loadDir(t, dir)
	require.Equal(t, "0001_start_here", ms[0].Name, "a -name is made file-safe")
	src, err := os.ReadFile(filepath.Join(dir, "0001_start_here.go"))
	require.NoError(t, err)
	require.Contains(t, string(src), "\npackage mig\n", "the directory's package")

	// A name ending like a build constraint (_test, _linux) would leave the
	// file out of the build: makemigrations steers clear.
	set := newSet(t, createItem)
	for name, want := range map[string]string{"add_test": "0002_add_test_migration", "linux": "0002_linux_migration",
		"for_amd64": "0002_for_amd64_migration", "testing": "0002_testing"} {
		gens, err := migrate.MakeMigrations(set, []any{Test{}}, migrate.MakeOptions{Name: name})
		require.NoError(t, err)
		require.Equal(t, want, gens[0].Migration.Name)
	}
}
