package orm_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"testing"
	"time"
	"unsafe"

	"github.com/eagerorm/eager/internal/schema"
	"github.com/eagerorm/eager/orm"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type Mood string

type Doc struct {
	Title string   `json:"title"`
	Pages int      `json:"pages"`
	Tags  []string `json:"tags"`
}

// AllTypes has a field of every column type eager maps.
type AllTypes struct {
	ID      int64 `orm:"pk"`
	I       int
	I8      int8
	I16     int16
	I32     int32
	I64     int64
	U8      uint8
	U16     uint16
	U32     uint32
	U64     uint64
	F32     float32
	F64     float64
	S       string
	B       bool
	T       time.Time
	Day     time.Time `orm:"type:date"`
	Bytes   []byte    `orm:"null"`
	PS      *string
	PI      *int64
	PT      *time.Time
	PB      *bool
	PF      *float64
	NS      sql.NullString
	NI      sql.NullInt64
	NT      sql.NullTime
	NG      sql.Null[int32]
	PgText  pgtype.Text
	PgNum   pgtype.Numeric
	NumStr  string  `orm:"type:numeric(14,4)"`
	PNumStr *string `orm:"type:numeric"`
	UUID    [16]byte
	PgUUID  pgtype.UUID
	UUIDStr string `orm:"type:uuid"`
	Doc     Doc
	PDoc    *Doc
	Meta    map[string]any  `orm:"null"`
	Raw     json.RawMessage `orm:"null"`
	Tags    []string        `orm:"null"`
	Nums    []int64         `orm:"null"`
	Ints    []int32         `orm:"null"`
	Mood    Mood            `orm:"type:mood"`
	PMood   *Mood           `orm:"type:mood"`
	Pos     int32           `orm:"type:posint"`
	Word    string          `orm:"type:word"`
}

func TestColumnTypesRoundTrip(t *testing.T) {
	ctx := context.Background()
	db, _ := newDB(t)
	mustExec(t, db, "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')")
	mustExec(t, db, "CREATE DOMAIN posint AS integer CHECK (VALUE > 0)")
	mustExec(t, db, "CREATE DOMAIN word AS text CHECK (VALUE ~ '^[a-z]*$')")
	m := model[AllTypes](t)
	createTable(t, db, m)

	var num pgtype.Numeric
	require.NoError(t, num.Scan("12345678901234567890.123456789"))
	now := time.Now().Truncate(time.Microsecond)
	s, i, f, b := "ptr", int64(-7), 2.5, true
	numStr, happy := "3.1400", Mood("happy")
	full := &AllTypes{
		I: -1 << 40, I8: -8, I16: -16000, I32: -2e9, I64: -1 << 62, U8: 250, U16: 65000, U32: 4e9, U64: 1 << 62,
		F32: 1.5, F64: -2.25e100, S: "héllo 'quoted' \\ \x01", B: true, T: now,
		Day:   time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC),
		Bytes: []byte{0, 1, 2, 255}, PS: &s, PI: &i, PT: &now, PB: &b, PF: &f,
		NS: sql.NullString{String: "ns", Valid: true}, NI: sql.NullInt64{Int64: 9, Valid: true},
		NT: sql.NullTime{Time: now, Valid: true}, NG: sql.Null[int32]{V: 32, Valid: true},
		PgText: pgtype.Text{String: "pg", Valid: true}, PgNum: num, NumStr: "1234567890.1234", PNumStr: &numStr,
		UUID:    [16]byte{0x12, 0x34, 15: 0xff},
		PgUUID:  pgtype.UUID{Bytes: [16]byte{1, 15: 2}, Valid: true},
		UUIDStr: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
		Doc:     Doc{Title: "t", Pages: 3, Tags: []string{"a", "b"}}, PDoc: &Doc{Title: "p"},
		Meta: map[string]any{"k": "v", "n": float64(1), "nested": map[string]any{"x": true}},
		Raw:  json.RawMessage(`{"raw": [1, 2]}`),
		Tags: []string{"x", "y, z", `q"uote`}, Nums: []int64{1, -2, 1 << 40}, Ints: []int32{3, 4},
		Mood: "ok", PMood: &happy, Pos: 42, Word: "abc",
	}
	require.NoError(t, orm.Insert(ctx, db, full))
	empty := &AllTypes{Day: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), NumStr: "0", UUIDStr: "00000000-0000-0000-0000-000000000000",
		Mood: "sad", Pos: 1}
	require.NoError(t, orm.Insert(ctx, db, empty))

	got := readAll(t, db, m)
	require.Len(t, got, 2)

	g := got[0]
	assert.Equal(t, full.ID, g.ID)
	assert.Equal(t, full.I, g.I)
	assert.Equal(t, full.I8, g.I8)
	assert.Equal(t, full.I16, g.I16)
	assert.Equal(t, full.I32, g.I32)
	assert.Equal(t, full.I64, g.I64)
	assert.Equal(t, full.U8, g.U8)
	assert.Equal(t, full.U16, g.U16)
	assert.Equal(t, full.U32, g.U32)
	assert.Equal(t, full.U64, g.U64)
	assert.Equal(t, full.F32, g.F32)
	assert.Equal(t, full.F64, g.F64)
	assert.Equal(t, full.S, g.S)
	assert.Equal(t, full.B, g.B)
	assert.True(t, full.T.Equal(g.T), "%v vs %v", full.T, g.T)
	assert.Equal(t, "2024-02-29", g.Day.Format("2006-01-02"))
	assert.Equal(t, full.Bytes, g.Bytes)
	assert.Equal(t, s, *g.PS)
	assert.Equal(t, i, *g.PI)
	assert.True(t, now.Equal(*g.PT))
	assert.Equal(t, b, *g.PB)
	assert.Equal(t, f, *g.PF)
	assert.Equal(t, full.NS, g.NS)
	assert.Equal(t, full.NI, g.NI)
	assert.True(t, g.NT.Valid && g.NT.Time.Equal(now))
	assert.Equal(t, full.NG, g.NG)
	assert.Equal(t, full.PgText, g.PgText)
	numText, _ := g.PgNum.Value()
	assert.Equal(t, "12345678901234567890.123456789", numText)
	assert.Equal(t, "1234567890.1234", g.NumStr, "numeric read through the string path keeps every digit")
	assert.Equal(t, "3.1400", *g.PNumStr)
	assert.Equal(t, full.UUID, g.UUID)
	assert.Equal(t, full.PgUUID, g.PgUUID)
	assert.Equal(t, full.UUIDStr, g.UUIDStr)
	assert.Equal(t, full.Doc, g.Doc)
	assert.Equal(t, *full.PDoc, *g.PDoc)
	assert.Equal(t, full.Meta, g.Meta)
	assert.JSONEq(t, string(full.Raw), string(g.Raw))
	assert.Equal(t, full.Tags, g.Tags)
	assert.Equal(t, full.Nums, g.Nums)
	assert.Equal(t, full.Ints, g.Ints)
	assert.Equal(t, full.Mood, g.Mood)
	assert.Equal(t, happy, *g.PMood)
	assert.Equal(t, int32(42), g.Pos)
	assert.Equal(t, "abc", g.Word)

	n := got[1] // the NULLs
	assert.Nil(t, n.Bytes)
	assert.Nil(t, n.PS)
	assert.Nil(t, n.PI)
	assert.Nil(t, n.PT)
	assert.Nil(t, n.PB)
	assert.Nil(t, n.PF)
	assert.False(t, n.NS.Valid)
	assert.False(t, n.NI.Valid)
	assert.False(t, n.NT.Valid)
	assert.False(t, n.NG.Valid)
	assert.False(t, n.PgText.Valid)
	assert.False(t, n.PgNum.Valid)
	assert.Nil(t, n.PNumStr)
	assert.False(t, n.PgUUID.Valid)
	assert.Nil(t, n.PDoc)
	assert.Nil(t, n.Meta)
	assert.Nil(t, n.Raw)
	assert.Nil(t, n.Tags)
	assert.Nil(t, n.Nums)
	assert.Nil(t, n.PMood)

	// What is NULL in Go is NULL in the database, not a zero value.
	var nulls int
	require.NoError(t, db.QueryRow(ctx, `SELECT num_nulls(bytes, ps, pi, pt, pb, pf, ns, ni, nt, ng, pg_text, pg_num,
		p_num_str, pg_uuid, p_doc, meta, raw, tags, nums, ints, p_mood) FROM all_types WHERE id = $1`, empty.ID).Scan(&nulls))
	assert.Equal(t, 21, nulls)

	// A value outside a domain's check is PostgreSQL's error, surfaced as a check violation.
	bad := *empty
	bad.ID, bad.Pos = 0, -1
	err := orm.Insert(ctx, db, &bad)
	assert.ErrorIs(t, err, orm.ErrCheckViolation)
}

// readAll scans every row of m's table through the metadata's field
// addresses, the way querysets scan.
func readAll(t *testing.T, db *orm.DB, m *schema.Model) []*AllTypes {
	t.Helper()
	rows, err := db.Query(context.Background(), "SELECT * FROM "+m.Table+" ORDER BY id")
	require.NoError(t, err)
	defer rows.Close()
	var out []*AllTypes
	for rows.Next() {
		obj := new(AllTypes)
		dest := make([]any, len(m.Columns))
		for i, f := range m.Columns {
			dest[i] = f.Addr(unsafe.Pointer(obj))
		}
		require.NoError(t, rows.Scan(dest...))
		out = append(out, obj)
	}
	require.NoError(t, rows.Err())
	return out
}
