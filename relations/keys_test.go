package relations_test

import (
	"context"
	"testing"

	"github.com/eagerorm/eager/internal/pgtest"
	"github.com/eagerorm/eager/orm"
	"github.com/eagerorm/eager/queryset"
	"github.com/eagerorm/eager/relations"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Keys that are not integers: text and uuid primary keys, through every
// loading path.
type sku struct {
	Code  string               `db:"code" orm:"pk"`
	Name  string               `db:"name"`
	Lines relations.Many[line] `orm:"reverse:SKU"`
}

type line struct {
	ID  int64                     `db:"id" orm:"pk"`
	SKU relations.ForeignKey[sku] `db:"sku_code" orm:"null"`
}

type deviceID [16]byte

type device struct {
	ID       deviceID                `db:"id" orm:"pk"`
	Name     string                  `db:"name"`
	Readings relations.Many[reading] `orm:"reverse:Device"`
}

type reading struct {
	ID     int64                        `db:"id" orm:"pk"`
	Device relations.ForeignKey[device] `db:"device_id"`
	Value  float64                      `db:"value"`
}

func TestNonIntegerKeys(t *testing.T) {
	ctx := context.Background()
	tdb := pgtest.New(t)
	_, err := tdb.Pool.Exec(ctx, `
		CREATE TABLE sku (code text PRIMARY KEY, name text NOT NULL);
		CREATE TABLE line (id bigint PRIMARY KEY, sku_code text REFERENCES sku);
		INSERT INTO sku VALUES ('A-1', 'apple'), ('B-2', 'banana');
		INSERT INTO line VALUES (1, 'A-1'), (2, 'B-2'), (3, 'A-1'), (4, NULL);
		CREATE TABLE device (id uuid PRIMARY KEY, name text NOT NULL);
		CREATE TABLE reading (id bigint PRIMARY KEY, device_id uuid NOT NULL REFERENCES device, value float8 NOT NULL);
		INSERT INTO device VALUES ('11111111-1111-1111-1111-111111111111', 'one'), ('22222222-2222-2222-2222-222222222222', 'two');
		INSERT INTO reading VALUES (1, '11111111-1111-1111-1111-111111111111', 1.5), (2, '22222222-2222-2222-2222-222222222222', 2.5),
			(3, '11111111-1111-1111-1111-111111111111', 3.5);`)
	require.NoError(t, err)
	c := &counter{}
	db := orm.New(tdb.Pool, orm.WithHook(c))

	names := func(lines []*line) []string {
		var out []string
		for _, l := range lines {
			s, err := l.SKU.Get(ctx)
			require.NoError(t, err)
			if s == nil {
				out = append(out, "-")
			} else {
				out = append(out, s.Name)
			}
		}
		return out
	}
	want := []string{"apple", "banana", "apple", "-"}
	for _, qs := range []queryset.QuerySet[line]{
		queryset.New[line](db).OrderBy("id"),
		queryset.New[line](db).OrderBy("id").SelectRelated("sku"),
		queryset.New[line](db).OrderBy("id").PrefetchRelated("sku"),
	} {
		rows, err := qs.All(ctx)
		require.NoError(t, err)
		assert.Equal(t, "A-1", rows[0].SKU.ID())
		assert.Nil(t, rows[3].SKU.ID())
		assert.Equal(t, want, names(rows))
	}
	skus, err := queryset.New[sku](db).OrderBy("code").PrefetchRelated("lines").All(ctx)
	require.NoError(t, err)
	ls, _ := skus[0].Lines.All(ctx)
	assert.Len(t, ls, 2)
	got, err := queryset.New[line](db).Filter(queryset.Q{"sku": &sku{Code: "B-2"}}).All(ctx)
	require.NoError(t, err)
	assert.Len(t, got, 1)

	one := deviceID{0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11}
	readings, err := queryset.New[reading](db).OrderBy("id").SelectRelated("device").All(ctx)
	require.NoError(t, err)
	assert.Equal(t, one, readings[0].Device.ID(), "the key comes back as the primary key's own type")
	d, _ := readings[2].Device.Get(ctx)
	assert.Equal(t, "one", d.Name)
	lazy, err := queryset.New[reading](db).OrderBy("id").All(ctx)
	require.NoError(t, err)
	d, err = lazy[1].Device.Get(ctx)
	require.NoError(t, err)
	assert.Equal(t, "two", d.Name)
	devices, err := queryset.New[device](db).OrderBy("name").PrefetchRelated("readings").All(ctx)
	require.NoError(t, err)
	rs, _ := devices[0].Readings.All(ctx)
	assert.Len(t, rs, 2)
	back, _ := rs[0].Device.Get(ctx)
	assert.Same(t, devices[0], back)

	r := &reading{ID: 4, Value: 9}
	r.Device.Set(devices[1])
	require.NoError(t, orm.Insert(ctx, db, r))
	n, err := queryset.New[reading](db).Filter(queryset.Q{"device__name": "two"}).Count(ctx)
	require.NoError(t, err)
	assert.EqualValues(t, 2, n)
}
