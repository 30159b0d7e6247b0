package orm_test

import (
	"context"
	"database/sql/driver"
	"fmt"
	"testing"
	"time"

	"github.com/eagerorm/eager/orm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Cents is stored as numeric(12,2); its database form is what Value gives.
type Cents int64

func (c Cents) Value() (driver.Value, error) { return fmt.Sprintf("%d.%02d", c/100, c%100), nil }

type Invoice struct {
	ID        int64      `orm:"pk"`
	Status    string     `db:"status"`
	Amount    Cents      `orm:"type:numeric(12,2)"`
	Note      *string    `db:"note"`
	PaidAt    *time.Time `db:"paid_at"`
	UpdatedAt time.Time  `orm:"auto_now"`
}

func setupInvoices(t *testing.T, n int) (*orm.DB, *recorder, []*Invoice) {
	db, rec := newDB(t)
	createTable(t, db, model[Invoice](t))
	objs := make([]*Invoice, n)
	note := "n"
	for i := range objs {
		objs[i] = &Invoice{Status: "new", Amount: 100, Note: &note}
	}
	require.NoError(t, orm.BulkInsert(context.Background(), db, objs))
	rec.reset()
	return db, rec, objs
}

func TestBulkUpdate(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, rec, objs := setupInvoices(t, 4)
	paid := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	objs[0].Status, objs[0].Amount, objs[0].PaidAt = "paid", 1999, &paid
	objs[1].Status, objs[1].Note = "void", nil // a NULL
	objs[2].Status, objs[2].Amount = "paid", 5
	objs[3].Status = "not written" // not passed
	before := objs[0].UpdatedAt

	n, err := orm.BulkUpdate(ctx, db, objs[:3], "status", "amount", "note", "paid_at")
	require.NoError(t, err)
	assert.Equal(t, int64(3), n)
	assert.Equal(t, []string{`UPDATE "invoice" SET "status" = "v"."status", "amount" = "v"."amount", "note" = "v"."note", "paid_at" = "v"."paid_at", "updated_at" = "v"."updated_at" ` +
		`FROM (VALUES ($1::bigint, $2::text, $3::numeric(12,2), $4::text, $5::timestamptz, $6::timestamptz), ($7, $8, $9, $10, $11, $12), ($13, $14, $15, $16, $17, $18)) ` +
		`AS "v" ("id", "status", "amount", "note", "paid_at", "updated_at") WHERE "invoice"."id" = "v"."id"`}, rec.sqls())
	assert.True(t, objs[0].UpdatedAt.After(before), "auto_now is set")

	type row struct {
		status, amount string
		note           *string
		paidAt         *time.Time
		updated        time.Time
	}
	read := func(id int64) row {
		var r row
		require.NoError(t, db.QueryRow(ctx, `SELECT status, amount::text, note, paid_at, updated_at FROM invoice WHERE id = $1`, id).
			Scan(&r.status, &r.amount, &r.note, &r.paidAt, &r.updated))
		return r
	}
	r := read(objs[0].ID)
	assert.Equal(t, "paid", r.status)
	assert.Equal(t, "19.99", r.amount, "a Valuer is written as Value gives it")
	require.NotNil(t, r.paidAt)
	assert.True(t, r.paidAt.Equal(paid))
	assert.True(t, r.updated.Equal(objs[0].UpdatedAt))
	r = read(objs[1].ID)
	assert.Equal(t, "void", r.status)
	assert.Nil(t, r.note, "NULL written")
	assert.Nil(t, r.paidAt)
	assert.Equal(t, "0.05", read(objs[2].ID).amount)
	assert.Equal(t, "new", read(objs[3].ID).status, "an object not passed is not written")

	// A key matching no row is not counted.
	gone := &Invoice{ID: 999999, Status: "x"}
	n, err = orm.BulkUpdate(ctx, db, []*Invoice{objs[0], gone}, "status")
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)
}

func TestBulkUpdateChunks(t *testing.T) {
	if testing.Short() {
		t.Skip("30,000 rows")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	db, rec, objs := setupInvoices(t, 30000)
	for i, o := range objs {
		o.Status = fmt.Sprintf("s%d", i)
	}
	n, err := orm.BulkUpdate(ctx, db, objs, "status")
	require.NoError(t, err)
	assert.Equal(t, int64(30000), n)
	// 3 parameters per row (id, status, updated_at): 21,845 rows per statement.
	sqls := rec.sqls()
	require.Len(t, sqls, 4)
	assert.Equal(t, "BEGIN", sqls[0])
	assert.Equal(t, "COMMIT", sqls[3])
	var wrong int
	require.NoError(t, db.QueryRow(ctx, `SELECT count(*) FROM invoice WHERE status <> 's' || (id - $1)`, objs[0].ID).Scan(&wrong))
	assert.Zero(t, wrong)
}

func TestBulkUpdateErrors(t *testing.T) {
	ctx := context.Background()
	db, rec, objs := setupInvoices(t, 2)
	cases := []struct {
		objs   []*Invoice
		fields []string
		want   string
	}{
		{objs, nil, "orm: bulk update Invoice: name the fields to write"},
		{objs, []string{"stauts"}, `orm: bulk update Invoice: orm: Invoice: field "stauts": no such field (did you mean "status"?)`},
		{objs, []string{"id"}, `field "id": the primary key identifies the row and cannot be updated here`},
		{[]*Invoice{objs[0], {Status: "x"}}, []string{"status"}, "objs[1] has no primary key yet"},
		{[]*Invoice{objs[0], objs[1], objs[0]}, []string{"status"}, "objs[0] and objs[2] have the same key (id = 1)"},
		{[]*Invoice{objs[0], nil}, []string{"status"}, "objs[1] is nil"},
	}
	for _, c := range cases {
		_, err := orm.BulkUpdate(ctx, db, c.objs, c.fields...)
		require.Error(t, err, c.want)
		assert.Contains(t, err.Error(), c.want)
	}
	assert.Empty(t, rec.sqls())
	_, err := orm.BulkUpdate(ctx, db, []*wrAuthor{{ID: 1}}, "posts")
	require.Error(t, err)
	assert.Equal(t, `orm: bulk update wrAuthor: orm: wrAuthor: field "posts": a Many relation has no column to update`, err.Error())
}

// A composite key: every key column in VALUES and in the WHERE.
type Seat struct {
	Hall  string `db:"hall" orm:"pk"`
	Num   int64  `db:"num" orm:"pk"`
	Taken bool   `db:"taken"`
}

func TestBulkUpdateCompositeKey(t *testing.T) {
	ctx := context.Background()
	db, rec := newDB(t)
	mustExec(t, db, `CREATE TABLE seat (hall text, num bigint, taken boolean NOT NULL, PRIMARY KEY (hall, num))`)
	seats := []*Seat{{Hall: "A", Num: 1}, {Hall: "A", Num: 2}, {Hall: "B", Num: 1}}
	require.NoError(t, orm.BulkInsert(ctx, db, seats))
	rec.reset()
	seats[0].Taken, seats[2].Taken = true, true
	n, err := orm.BulkUpdate(ctx, db, seats, "taken")
	require.NoError(t, err)
	assert.Equal(t, int64(3), n)
	assert.Equal(t, []string{`UPDATE "seat" SET "taken" = "v"."taken" FROM (VALUES ($1::text, $2::bigint, $3::boolean), ($4, $5, $6), ($7, $8, $9)) ` +
		`AS "v" ("hall", "num", "taken") WHERE "seat"."hall" = "v"."hall" AND "seat"."num" = "v"."num"`}, rec.sqls())
	var taken int
	require.NoError(t, db.QueryRow(ctx, `SELECT count(*) FROM seat WHERE taken`).Scan(&taken))
	assert.Equal(t, 2, taken)
	_, err = orm.BulkUpdate(ctx, db, []*Seat{seats[0], {Hall: "A", Num: 1}}, "taken")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "objs[0] and objs[1] have the same key (hall = A, num = 1)")
}
