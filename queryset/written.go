package queryset

import (
	"context"
	"unsafe"

	"github.com/eagerorm/eager/internal/load"
	"github.com/eagerorm/eager/internal/schema"
	"github.com/eagerorm/eager/orm"
)

// orm.Insert binds the row it wrote through this (see load.Written): a
// result set of one row, in the load mode the DB and ctx give it.
func init() { load.Written = bindWritten }

func bindWritten(ctx context.Context, db any, m *schema.Model, row unsafe.Pointer) {
	d, ok := db.(*orm.DB)
	if !ok || d == nil {
		return
	}
	e := load.EngineOf(d)
	load.Bind(load.Options{DB: e, Model: m, Rows: []unsafe.Pointer{row},
		Mode: e.ResolveLoadMode(ctx, 0, false), Loader: defaultLoader})
}
