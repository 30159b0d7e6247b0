package migrate_test

import (
	"context"
	"testing"

	"github.com/eagerorm/eager/internal/pgtest"
	"github.com/eagerorm/eager/migrate"
	"github.com/eagerorm/eager/orm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// CreateModels makes, in process, exactly the schema the first migration
// of the same models makes (schemaV1, read back from the catalog).
func TestCreateModels(t *testing.T) {
	ctx := context.Background()
	pg := pgtest.New(t)
	db := orm.New(pg.Pool)
	require.NoError(t, migrate.CreateModels(ctx, db, shopV1...))
	requireCatalog(t, pg, schemaV1)

	// The tables work: a row through the through table.
	_, err := pg.Pool.Exec(ctx, `INSERT INTO customer (name, email) VALUES ('Ann', 'a@x');
		INSERT INTO "order" (total, customer_id) VALUES (1, 1); INSERT INTO tag (name) VALUES ('t');
		INSERT INTO order_tags VALUES (1, 1)`)
	require.NoError(t, err)

	// A second call creates nothing and says why.
	err = migrate.CreateModels(ctx, db, shopV1...)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "schema "+pg.Schema+" already has a relation named customer, order, order_tags, tag; nothing was created")
	requireCatalog(t, pg, schemaV1)
}

// One transaction: a table in the way, or a statement failing half way,
// leaves the schema as it was.
func TestCreateModelsAllOrNothing(t *testing.T) {
	ctx := context.Background()

	t.Run("a table in the way", func(t *testing.T) {
		pg := pgtest.New(t)
		_, err := pg.Pool.Exec(ctx, "CREATE TABLE tag (id int)")
		require.NoError(t, err)
		err = migrate.CreateModels(ctx, orm.New(pg.Pool), shopV1...)
		require.ErrorContains(t, err, "already has a relation named tag;")
		requireCatalog(t, pg, []string{"column tag.id integer"})
	})

	t.Run("a statement fails half way", func(t *testing.T) {
		pg := pgtest.New(t)
		// Not a table, so the check passes; the through table's index,
		// created after every table, collides with it.
		_, err := pg.Pool.Exec(ctx, "CREATE TABLE other (id int); CREATE INDEX order_tags_tag_id_idx ON other (id)")
		require.NoError(t, err)
		err = migrate.CreateModels(ctx, orm.New(pg.Pool), shopV1...)
		require.ErrorContains(t, err, `migrate: CreateModels: CREATE INDEX order_tags_tag_id_idx ON order_tags (tag_id): `)
		require.ErrorContains(t, err, `relation "order_tags_tag_id_idx" already exists`)
		requireCatalog(t, pg, []string{"column other.id integer",
			"index other.order_tags_tag_id_idx CREATE INDEX order_tags_tag_id_idx ON other USING btree (id)"})
	})
}

// Bad input is an error before anything is sent, never a panic.
func TestCreateModelsRefusesBadInput(t *testing.T) {
	ctx := context.Background()
	var sent []string
	db := orm.New(pgtest.New(t).Pool, orm.WithHook(orm.HookFunc(func(_ context.Context, ev orm.QueryEvent) {
		sent = append(sent, ev.SQL)
	})))
	type noPK struct {
		Name string `db:"name"`
	}
	for name, call := range map[string]func() error{
		"nil db":    func() error { return migrate.CreateModels(ctx, nil, Customer{}) },
		"no models": func() error { return migrate.CreateModels(ctx, db) },
		"nil model": func() error { return migrate.CreateModels(ctx, db, nil) },
		"not a model": func() error {
			return migrate.CreateModels(ctx, db, noPK{})
		},
	} {
		err := call()
		assert.ErrorContains(t, err, "migrate: CreateModels: ", name)
	}
	assert.Empty(t, sent)
}

// Without a schema to create in (search_path names none that exists) the
// error says so instead of PostgreSQL's "no schema has been selected".
func TestCreateModelsNeedsASchema(t *testing.T) {
	ctx := context.Background()
	pg := pgtest.New(t)
	conn, err := pg.Pool.Acquire(ctx)
	require.NoError(t, err)
	defer conn.Release()
	_, err = conn.Exec(ctx, "SET search_path = no_such_schema")
	require.NoError(t, err)
	defer conn.Exec(ctx, "RESET search_path")
	err = migrate.CreateModels(ctx, orm.New(conn.Conn()), shopV1...)
	require.ErrorContains(t, err, "migrate: CreateModels: no schema to create the tables in")
}
