package queryset

import (
	"context"
	"reflect"
	"unsafe"

	"github.com/eagerorm/eager/internal/load"
	"github.com/eagerorm/eager/internal/schema"
	"github.com/jackc/pgx/v5"
)

// scanner reads rows into model structs through the models' precomputed
// field addresses: per row it fills one slice of typed pointers (no
// reflection, no allocation beyond the structs) and lets pgx decode
// straight into the fields. With SelectRelated it also builds each row's
// related objects, skipping the columns of a LEFT-joined object that is
// not there (its primary key is NULL).
type scanner struct {
	nodes []*selectNode
	lead  int
	dest  []any
	objs  []unsafe.Pointer   // the current row's object per node
	seen  [][]unsafe.Pointer // every object read per related node, for their result sets
	back  []*schema.Field    // per node, the other side of a one-to-one to fill with its parent
	link  load.Key           // the lead column of a prefetch statement (its scan target is set by linkedScan)
}

// newScanner prepares to read sel's rows; hint is the expected row count,
// to size the lists of related objects once.
func newScanner(sel *selection, hint int) *scanner {
	n := sel.lead
	for _, nd := range sel.nodes {
		n += len(nd.model.Columns)
	}
	sc := &scanner{nodes: sel.nodes, lead: sel.lead, dest: make([]any, n), objs: make([]unsafe.Pointer, len(sel.nodes))}
	if len(sel.nodes) > 1 {
		sc.seen = make([][]unsafe.Pointer, len(sel.nodes))
		sc.back = make([]*schema.Field, len(sel.nodes))
		for k := 1; k < len(sc.seen); k++ {
			sc.seen[k] = make([]unsafe.Pointer, 0, hint)
			sc.back[k] = sel.nodes[k].field.Rel.Back
		}
	}
	return sc
}

// scan reads the current row into root (a new struct of the query's model).
func (sc *scanner) scan(rows pgx.Rows, root unsafe.Pointer) error {
	if len(sc.nodes) == 1 {
		for i, f := range sc.nodes[0].model.Columns {
			sc.dest[sc.lead+i] = f.Addr(root)
		}
		return rows.Scan(sc.dest...)
	}
	raw := rows.RawValues()
	sc.objs[0] = root
	col := sc.lead
	for k, n := range sc.nodes {
		obj := root
		if k > 0 {
			obj = nil
			if sc.objs[n.parent] != nil && raw[n.pkCol] != nil {
				obj = newObject(n.model)
			}
			sc.objs[k] = obj
		}
		for _, f := range n.model.Columns {
			if obj != nil {
				sc.dest[col] = f.Addr(obj)
			} else {
				sc.dest[col] = nil // pgx skips the column
			}
			col++
		}
	}
	if err := rows.Scan(sc.dest...); err != nil {
		return err
	}
	for k := 1; k < len(sc.nodes); k++ {
		n, parent, obj := sc.nodes[k], sc.objs[sc.nodes[k].parent], sc.objs[k]
		if parent == nil {
			continue
		}
		// A nil obj with the key column not NULL (a LEFT JOIN that found no
		// row for the key) is recorded as such: Get reports the missing row.
		load.SetOne(parent, n.field, obj)
		if obj != nil {
			if back := sc.back[k]; back != nil {
				load.SetOne(obj, back, parent) // the other side of a one-to-one
			}
			sc.seen[k] = append(sc.seen[k], obj)
		}
	}
	return nil
}

func newObject(m *schema.Model) unsafe.Pointer { return reflect.New(m.Type).UnsafePointer() }

// bind records the result set of rows (and of their SelectRelated objects)
// so that each row knows its peers, its database and its load mode.
func (sc *scanner) bind(ctx context.Context, rows []unsafe.Pointer, o load.Options) {
	o.Rows = rows
	load.Bind(o)
	sc.bindNodes(ctx, rows, o)
}

// bindNodes records the result sets of the SelectRelated objects hanging
// from rows; o describes rows. Under a capture, each SelectRelated path is
// recorded as an eager load, to report it if nothing reads it.
func (sc *scanner) bindNodes(ctx context.Context, rows []unsafe.Pointer, o load.Options) {
	if len(sc.nodes) < 2 {
		return
	}
	track := o.DB.Capturing(ctx)
	for k := 1; k < len(sc.nodes); k++ {
		n := sc.nodes[k]
		no := o
		no.Model, no.Rows, no.Path = n.model, sc.seen[k], n.path
		if o.Path != "" {
			no.Path = o.Path + "__" + n.path
		}
		load.Bind(no)
		if track {
			parents := rows
			if n.parent > 0 {
				parents = sc.seen[n.parent]
			}
			load.TrackEager(ctx, o.DB, parents, n.field, no.Path, "SelectRelated", o.Root)
		}
	}
	for k := 1; k < len(sc.seen); k++ {
		sc.seen[k] = sc.seen[k][len(sc.seen[k]):] // the next chunk's objects go to fresh memory: these are peers now
	}
}
