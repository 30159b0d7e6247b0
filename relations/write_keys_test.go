package relations_test

import (
	"context"
	"sync"
	"testing"

	"github.com/eagerorm/eager/internal/pgtest"
	"github.com/eagerorm/eager/orm"
	"github.com/eagerorm/eager/queryset"
	"github.com/eagerorm/eager/relations"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Writes with keys that are not integers: a text key on the parent, uuid
// keys on the rows linked (sent as one uuid[] parameter).
type wSKU struct {
	Code    string                        `db:"code" orm:"pk"`
	Devices relations.ManyToMany[wDevice] `orm:"through:w_sku_devices,from:sku_code,to:device_id"`
	Lines   relations.Many[wLine]         `orm:"reverse:SKU"`
}

type wDevice struct {
	ID   deviceID `db:"id" orm:"pk"`
	Name string   `db:"name"`
}

type wLine struct {
	ID  int64                      `db:"id" orm:"pk"`
	SKU relations.ForeignKey[wSKU] `db:"sku_code" orm:"null"`
}

func TestWritesWithNonIntegerKeys(t *testing.T) {
	ctx := writeCtx(t)
	tdb := pgtest.New(t)
	_, err := tdb.Pool.Exec(ctx, `
		CREATE TABLE w_sku (code text PRIMARY KEY);
		CREATE TABLE w_device (id uuid PRIMARY KEY, name text NOT NULL);
		CREATE TABLE w_sku_devices (sku_code text NOT NULL REFERENCES w_sku, device_id uuid NOT NULL REFERENCES w_device,
			PRIMARY KEY (sku_code, device_id));
		CREATE TABLE w_line (id bigint PRIMARY KEY, sku_code text REFERENCES w_sku);
		INSERT INTO w_sku VALUES ('A-1'), ('B-2');
		INSERT INTO w_device VALUES ('11111111-1111-1111-1111-111111111111', 'one'), ('22222222-2222-2222-2222-222222222222', 'two');
		INSERT INTO w_line VALUES (1, NULL), (2, 'B-2');`)
	require.NoError(t, err)
	c := &counter{}
	db := orm.New(tdb.Pool, orm.WithHook(c))
	skus, err := queryset.New[wSKU](db).OrderBy("code").All(ctx)
	require.NoError(t, err)
	devices, err := queryset.New[wDevice](db).OrderBy("name").All(ctx)
	require.NoError(t, err)
	lines, err := queryset.New[wLine](db).OrderBy("id").All(ctx)
	require.NoError(t, err)
	a := skus[0]

	c.Reset()
	require.NoError(t, a.Devices.Add(ctx, devices...))
	require.NoError(t, a.Devices.Remove(ctx, devices[0]))
	got, err := a.Devices.All(ctx)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, "two", got[0].Name)
	require.NoError(t, a.Devices.Set(ctx, devices[0]))
	got, err = a.Devices.All(ctx)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, "one", got[0].Name)
	assert.Equal(t, 5, c.N())

	// The text key lands in the child's key column, and Remove compares it.
	require.NoError(t, a.Lines.Add(ctx, lines[0], lines[1]))
	assert.Equal(t, "A-1", lines[1].SKU.ID())
	require.NoError(t, a.Lines.Remove(ctx, lines[1]))
	assert.False(t, lines[1].SKU.Valid())
	n, err := queryset.New[wLine](db).Filter(queryset.Q{"sku": "A-1"}).Count(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)
}

// Concurrent Adds of one link where the pair is the key: no error, one row.
func TestManyToManyAddConcurrent(t *testing.T) {
	ctx := writeCtx(t)
	db, _, _ := seeded(t)
	books, tags := booksAndTags(t, ctx, db)
	gamma := books[3]
	var wg sync.WaitGroup
	errs := make([]error, 20)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = gamma.Tags.Add(context.WithoutCancel(ctx), tags["red"], tags["blue"])
		}()
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, []int64{1, 2}, links(t, db, 3))
}
