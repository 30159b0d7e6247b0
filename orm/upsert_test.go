package orm_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/eagerorm/eager/orm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type Subscriber struct {
	ID        int64     `orm:"pk"`
	Email     string    `orm:"unique"`
	Name      string    `db:"name"`
	Visits    int64     `db:"visits"`
	CreatedAt time.Time `orm:"auto_now_add"`
	UpdatedAt time.Time `orm:"auto_now"`
}

func setupSubscribers(t *testing.T) (*orm.DB, *recorder) {
	db, rec := newDB(t)
	createTable(t, db, model[Subscriber](t))
	rec.reset()
	return db, rec
}

func TestInsertOnConflictDoNothing(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, rec := setupSubscribers(t)
	a := &Subscriber{Email: "ann@example.com", Name: "Ann"}
	require.NoError(t, orm.Insert(ctx, db, a, orm.OnConflict("email").DoNothing()))
	assert.NotZero(t, a.ID)
	assert.Equal(t, []string{`INSERT INTO "subscriber" ("email","name","visits","created_at","updated_at") VALUES ($1,$2,$3,$4,$5) ON CONFLICT ("email") DO NOTHING RETURNING "id"`}, rec.sqls())

	rec.reset()
	b := &Subscriber{Email: "ann@example.com", Name: "Other"}
	err := orm.Insert(ctx, db, b, orm.OnConflict("email").DoNothing())
	require.ErrorIs(t, err, orm.ErrNotInserted)
	assert.Contains(t, err.Error(), `Subscriber: email = "ann@example.com"`)
	assert.Zero(t, b.ID, "a skipped object keeps its zero key")
	assert.True(t, b.CreatedAt.IsZero(), "a skipped object is left as it was")
	assert.Len(t, rec.sqls(), 1)

	var n int
	var name string
	require.NoError(t, db.QueryRow(ctx, `SELECT count(*), min(name) FROM subscriber`).Scan(&n, &name))
	assert.Equal(t, 1, n)
	assert.Equal(t, "Ann", name)
}

func TestInsertOnConflictDoUpdate(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, rec := setupSubscribers(t)
	a := &Subscriber{Email: "ann@example.com", Name: "Ann", Visits: 1}
	require.NoError(t, orm.Insert(ctx, db, a))
	created := a.CreatedAt

	rec.reset()
	b := &Subscriber{Email: "ann@example.com", Name: "Ann B", Visits: 99}
	require.NoError(t, orm.Insert(ctx, db, b, orm.OnConflict("email").DoUpdate("name")))
	assert.Equal(t, []string{`INSERT INTO "subscriber" ("email","name","visits","created_at","updated_at") VALUES ($1,$2,$3,$4,$5) ` +
		`ON CONFLICT ("email") DO UPDATE SET "name" = EXCLUDED."name", "updated_at" = EXCLUDED."updated_at" ` +
		`RETURNING "id", "email", "name", "visits", "created_at", "updated_at"`}, rec.sqls())
	assert.Equal(t, a.ID, b.ID, "the updated row's key is read back")
	assert.Equal(t, "Ann B", b.Name)
	assert.Equal(t, int64(1), b.Visits, "a field not named keeps the stored value, and the object shows it")
	assert.True(t, b.CreatedAt.Equal(created), "auto_now_add is not overwritten by the update: %v vs %v", b.CreatedAt, created)
	assert.True(t, b.UpdatedAt.After(a.UpdatedAt) || b.UpdatedAt.Equal(a.UpdatedAt))

	// On a new key it inserts.
	c := &Subscriber{Email: "cy@example.com", Name: "Cy"}
	require.NoError(t, orm.Insert(ctx, db, c, orm.OnConstraint("subscriber_email_key").DoUpdate("name")))
	assert.NotZero(t, c.ID)
	assert.NotEqual(t, a.ID, c.ID)
}

func TestInsertConflictOptionErrors(t *testing.T) {
	ctx := context.Background()
	db, rec := setupSubscribers(t)
	s := &Subscriber{Email: "x@example.com"}
	cases := map[string]orm.InsertOption{
		"without an action":                  orm.OnConflict("email"),
		`field "nope": no such field`:        orm.OnConflict("nope").DoNothing(),
		"DoUpdate needs a conflict target":   orm.OnConflict().DoUpdate("name"),
		"name the fields to overwrite":       orm.OnConflict("email").DoUpdate(),
		"cannot overwrite the primary key":   orm.OnConflict("email").DoUpdate("id"),
		`"nme": no such field (did you mean`: orm.OnConflict("email").DoUpdate("nme"),
		"empty constraint name":              orm.OnConstraint("").DoNothing(),
	}
	for want, opt := range cases {
		err := orm.Insert(ctx, db, s, opt)
		require.Error(t, err, want)
		assert.Contains(t, err.Error(), want)
		assert.Contains(t, err.Error(), "Subscriber")
	}
	err := orm.BulkInsert(ctx, db, []*Subscriber{s}, orm.OnConflict().DoNothing())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "needs the conflict fields")
	assert.Empty(t, rec.sqls(), "nothing sent")
	assert.Zero(t, s.ID)
}

func TestBulkInsertOnConflictDoNothing(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, rec := setupSubscribers(t)
	old := &Subscriber{Email: "b@example.com", Name: "old"}
	require.NoError(t, orm.Insert(ctx, db, old))
	rec.reset()
	objs := []*Subscriber{
		{Email: "a@example.com", Name: "A"},
		{Email: "b@example.com", Name: "B"}, // exists
		{Email: "c@example.com", Name: "C"},
		{Email: "a@example.com", Name: "A again"}, // same key as objs[0] in the same statement
	}
	err := orm.BulkInsert(ctx, db, objs, orm.OnConflict("email").DoNothing())
	var ni *orm.NotInsertedError
	require.ErrorAs(t, err, &ni)
	require.ErrorIs(t, err, orm.ErrNotInserted)
	assert.Equal(t, []int{1, 3}, ni.Indexes)
	assert.Len(t, rec.sqls(), 1)
	assert.Contains(t, rec.sqls()[0], `ON CONFLICT ("email") DO NOTHING RETURNING "id", "email"`)
	assert.NotZero(t, objs[0].ID)
	assert.NotZero(t, objs[2].ID)
	assert.Zero(t, objs[1].ID)
	assert.Zero(t, objs[3].ID)
	assert.True(t, objs[1].CreatedAt.IsZero(), "skipped objects are left as they were")
	got := map[string]int64{}
	rows, err := db.Query(ctx, `SELECT email, id FROM subscriber`)
	require.NoError(t, err)
	for rows.Next() {
		var e string
		var id int64
		require.NoError(t, rows.Scan(&e, &id))
		got[e] = id
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, map[string]int64{"a@example.com": objs[0].ID, "b@example.com": old.ID, "c@example.com": objs[2].ID}, got)

	// Nothing conflicting: no error.
	more := []*Subscriber{{Email: "d@example.com"}, {Email: "e@example.com"}}
	require.NoError(t, orm.BulkInsert(ctx, db, more, orm.OnConflict("email").DoNothing()))
	assert.NotZero(t, more[0].ID)
	assert.NotEqual(t, more[0].ID, more[1].ID)
}

func TestBulkInsertOnConflictDoUpdate(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	db, rec := setupSubscribers(t)
	old := &Subscriber{Email: "b@example.com", Name: "old", Visits: 7}
	require.NoError(t, orm.Insert(ctx, db, old))
	rec.reset()
	objs := []*Subscriber{{Email: "a@example.com", Name: "A"}, {Email: "b@example.com", Name: "B", Visits: 1}}
	require.NoError(t, orm.BulkInsert(ctx, db, objs, orm.OnConflict("email").DoUpdate("name")))
	assert.Len(t, rec.sqls(), 1)
	assert.NotZero(t, objs[0].ID)
	assert.Equal(t, old.ID, objs[1].ID, "the updated row's key")
	assert.Equal(t, int64(7), objs[1].Visits, "the stored value of a field not named")
	assert.Equal(t, "B", objs[1].Name)

	// Many rows, several statements, one transaction.
	big := make([]*Subscriber, 25000)
	for i := range big {
		big[i] = &Subscriber{Email: fmt.Sprintf("u%d@example.com", i), Name: "n"}
	}
	big[10] = &Subscriber{Email: "a@example.com", Name: "A2"}
	rec.reset()
	require.NoError(t, orm.BulkInsert(ctx, db, big, orm.OnConflict("email").DoUpdate("name")))
	assert.Equal(t, objs[0].ID, big[10].ID)
	assert.Equal(t, "A2", big[10].Name)
	for _, o := range big {
		require.NotZero(t, o.ID)
	}
	assert.Len(t, rec.sqls(), 2+3, "BEGIN, 3 chunks of 10,922 rows, COMMIT")
}

func TestNotInsertedErrorMessage(t *testing.T) {
	err := &orm.NotInsertedError{Model: "Tag", Indexes: []int{2}, Total: 3}
	assert.True(t, errors.Is(err, orm.ErrNotInserted))
	assert.Equal(t, "orm: bulk insert Tag: 1 of 3 objects conflicted with existing rows and were not inserted (indexes [2]): orm: row not inserted (ON CONFLICT DO NOTHING)", err.Error())
}
