package orm_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/eagerorm/eager/orm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type Hooked struct {
	ID   int64  `orm:"pk"`
	Name string `db:"name"`

	log  *[]string `db:"-"`
	fail string    `db:"-"` // the hook that returns an error
}

func (h *Hooked) record(ctx context.Context, name string) error {
	if h.log != nil {
		*h.log = append(*h.log, name+":"+h.Name)
	}
	if h.fail == name {
		return errors.New("refused")
	}
	return nil
}

func (h *Hooked) BeforeInsert(ctx context.Context) error { return h.record(ctx, "BeforeInsert") }
func (h *Hooked) AfterInsert(ctx context.Context) error  { return h.record(ctx, "AfterInsert") }
func (h *Hooked) BeforeUpdate(ctx context.Context) error { return h.record(ctx, "BeforeUpdate") }
func (h *Hooked) AfterUpdate(ctx context.Context) error  { return h.record(ctx, "AfterUpdate") }
func (h *Hooked) BeforeDelete(ctx context.Context) error { return h.record(ctx, "BeforeDelete") }
func (h *Hooked) AfterDelete(ctx context.Context) error  { return h.record(ctx, "AfterDelete") }

var (
	_ orm.BeforeInserter = (*Hooked)(nil)
	_ orm.AfterDeleter   = (*Hooked)(nil)
)

func TestModelHooks(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, rec := newDB(t)
	createTable(t, db, model[Hooked](t))
	rec.reset()
	var log []string

	h := &Hooked{Name: "a", log: &log}
	require.NoError(t, orm.Insert(ctx, db, h))
	h.Name = "b"
	require.NoError(t, orm.Update(ctx, db, h))
	require.NoError(t, orm.Delete(ctx, db, h))
	assert.Equal(t, []string{"BeforeInsert:a", "AfterInsert:a", "BeforeUpdate:b", "AfterUpdate:b", "BeforeDelete:b", "AfterDelete:b"}, log)
	assert.Len(t, rec.sqls(), 3)

	// Bulk: every Before before the statement, every After after it.
	log = nil
	objs := []*Hooked{{Name: "x", log: &log}, {Name: "y", log: &log}}
	require.NoError(t, orm.BulkInsert(ctx, db, objs))
	assert.Equal(t, []string{"BeforeInsert:x", "BeforeInsert:y", "AfterInsert:x", "AfterInsert:y"}, log)
	log = nil
	_, err := orm.BulkUpdate(ctx, db, objs, "name")
	require.NoError(t, err)
	assert.Equal(t, []string{"BeforeUpdate:x", "BeforeUpdate:y", "AfterUpdate:x", "AfterUpdate:y"}, log)

	// A Before error aborts with nothing written.
	rec.reset()
	bad := &Hooked{Name: "bad", log: &log, fail: "BeforeInsert"}
	err = orm.Insert(ctx, db, bad)
	require.Error(t, err)
	assert.Equal(t, "orm: insert Hooked: BeforeInsert hook: refused", err.Error())
	err = orm.BulkInsert(ctx, db, []*Hooked{{Name: "ok"}, bad})
	assert.Equal(t, "orm: bulk insert Hooked: objs[1]: BeforeInsert hook: refused", err.Error())
	bad.fail = "BeforeDelete"
	bad.ID = objs[0].ID
	require.Error(t, orm.Delete(ctx, db, bad))
	assert.Empty(t, rec.sqls(), "a Before hook's error sends nothing")

	// An After error is returned; inside RunInTx it undoes the write.
	late := &Hooked{Name: "late", fail: "AfterInsert"}
	err = db.RunInTx(ctx, func(ctx context.Context, tx *orm.DB) error { return orm.Insert(ctx, tx, late) })
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), "AfterInsert hook (the row is written): refused"), err.Error())
	var n int
	require.NoError(t, db.QueryRow(ctx, `SELECT count(*) FROM hooked WHERE name = 'late'`).Scan(&n))
	assert.Zero(t, n)

	// QuerySet-level writes do not call hooks (tested in queryset); raw SQL neither.
}
