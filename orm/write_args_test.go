package orm_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"testing"
	"time"

	sq "github.com/Masterminds/squirrel"
	"github.com/eagerorm/eager/internal/pgtest"
	"github.com/eagerorm/eager/orm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type gadgetID [16]byte

type gadgetSpec struct {
	Volts int `json:"volts"`
}

// Gadget's values are the ones pgx encodes only when the server describes
// the parameter: a named 16-byte uuid key, JSON from a struct, a map and
// raw bytes.
type Gadget struct {
	ID    gadgetID        `db:"id" orm:"pk"`
	Alt   *[16]byte       `db:"alt" orm:"null"`
	Spec  gadgetSpec      `db:"spec"`
	Extra map[string]any  `db:"extra" orm:"null"`
	Raw   json.RawMessage `db:"raw" orm:"null"`
}

// Insert, Update, BulkInsert and Delete send the same values under every pgx
// exec mode, the ones that take a parameter's type from its Go type among
// them (exec, simple_protocol: what pgx recommends behind PgBouncer).
func TestWritesInEveryExecMode(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	tdb := pgtest.New(t)
	_, err := tdb.Pool.Exec(ctx, `CREATE TABLE gadget (id uuid PRIMARY KEY, alt uuid, spec jsonb NOT NULL, extra jsonb, raw json)`)
	require.NoError(t, err)
	for i, mode := range pgtest.ExecModes {
		t.Run(mode, func(t *testing.T) {
			u, err := url.Parse(tdb.DSN)
			require.NoError(t, err)
			q := u.Query()
			q.Set("default_query_exec_mode", mode)
			u.RawQuery = q.Encode()
			db, err := orm.Open(ctx, u.String())
			require.NoError(t, err)
			defer db.Close()

			alt := [16]byte{0xaa, 15: byte(i)}
			g := &Gadget{ID: gadgetID{0x12, 15: byte(i)}, Alt: &alt, Spec: gadgetSpec{Volts: 5},
				Extra: map[string]any{"k": "v"}, Raw: json.RawMessage(`{"a": [1]}`)}
			require.NoError(t, orm.Insert(ctx, db, g))
			g.Spec.Volts, g.Extra, g.Alt = 12, nil, nil
			require.NoError(t, orm.Update(ctx, db, g))
			more := []*Gadget{{ID: gadgetID{0x34, 15: byte(i)}}, {ID: gadgetID{0x56, 15: byte(i)}, Raw: json.RawMessage(`[]`)}}
			require.NoError(t, orm.BulkInsert(ctx, db, more))

			var volts, nulls int
			var id, raw string
			require.NoError(t, db.QueryRow(ctx, `SELECT id::text, (spec->>'volts')::int, raw::text, num_nulls(alt, extra)
				FROM gadget WHERE id = $1::text::uuid`, g.uuid()).Scan(&id, &volts, &raw, &nulls))
			assert.Equal(t, g.uuid(), id)
			assert.Equal(t, 12, volts)
			assert.JSONEq(t, `{"a": [1]}`, raw)
			assert.Equal(t, 2, nulls, "a nil pointer and a nil map are NULL, not JSON null")
			var n int
			require.NoError(t, db.QueryRow(ctx, `SELECT count(*) FROM gadget WHERE spec = '{"volts": 0}' AND id::text LIKE $1`,
				fmt.Sprintf("%%0%d", i)).Scan(&n))
			assert.Equal(t, 2, n, "BulkInsert's rows")

			require.NoError(t, orm.Delete(ctx, db, g))
			assert.ErrorIs(t, orm.Delete(ctx, db, g), orm.ErrNoRows)
		})
	}
}

func (g *Gadget) uuid() string {
	b := g.ID
	const hex = "0123456789abcdef"
	out := make([]byte, 0, 36)
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out = append(out, '-')
		}
		out = append(out, hex[c>>4], hex[c&15])
	}
	return string(out)
}

// sqlValue renders SQL of its own, which squirrel would splice into the
// statement: a write refuses it, naming the model, field and value.
type sqlValue string

func (v sqlValue) ToSql() (string, []any, error) { return string(v), nil, nil }

type Tricky struct {
	ID   int64    `db:"id" orm:"pk"`
	Note sqlValue `db:"note"`
}

func TestWriteRefusesSQLValues(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db, rec := newDB(t)
	mustExec(t, db, "CREATE TABLE tricky (id bigint PRIMARY KEY, note text NOT NULL)")
	rec.reset()
	var _ sq.Sqlizer = sqlValue("")
	obj := &Tricky{ID: 1, Note: "'x'); DROP TABLE tricky; --"}
	for name, err := range map[string]error{
		"insert":      orm.Insert(ctx, db, obj),
		"bulk insert": orm.BulkInsert(ctx, db, []*Tricky{obj}),
		"update":      orm.Update(ctx, db, obj),
	} {
		var fe *orm.FieldError
		require.ErrorAs(t, err, &fe, name)
		assert.Equal(t, "Tricky", fe.Model, name)
		assert.Equal(t, "note", fe.Field, name)
		assert.Contains(t, err.Error(), "squirrel.Sqlizer", name)
	}
	assert.Empty(t, rec.sqls(), "nothing was sent")
}
