package scan

import (
	"context"
	"reflect"
	"unsafe"

	"github.com/eagerorm/eager/internal/load"
	"github.com/eagerorm/eager/internal/schema"
	"github.com/jackc/pgx/v5"
)

// Plan is how the columns of a SELECT map onto objects: Lead columns first
// (a prefetch statement's link key), then every column of each node's
// model, in node order.
type Plan struct {
	Nodes []*Node // Nodes[0] is the row itself
	Lead  int
	// ByName matches the columns to the row's fields by name instead
	// (a Raw statement: one node, no lead; see byname.go).
	ByName bool
}

// Node is one object each row carries: the row, or a relation
// SelectRelated follows from another node.
type Node struct {
	Path   string        // "" for the row, "customer__address" for a related object
	Field  *schema.Field // the relation on the parent node's model
	Parent int           // the parent node's index, -1 for the row
	Model  *schema.Model
	PKCol  int // the select-list position of its primary key (-1: none)
}

// Scanner reads rows into model structs through the models' precomputed
// field addresses: per row it fills one slice of typed pointers (no
// reflection, no allocation beyond the structs) and lets pgx decode
// straight into the fields. With SelectRelated it also builds each row's
// related objects, skipping the columns of a LEFT-joined object that is
// not there (its primary key is NULL).
type Scanner struct {
	nodes []*Node
	lead  int
	dest  []any
	objs  []unsafe.Pointer   // the current row's object per node
	seen  [][]unsafe.Pointer // every object read per related node, for their result sets
	back  []*schema.Field    // per node, the other side of a one-to-one to fill with its parent
	link  load.Key           // the lead column of a prefetch statement
	// byName: the plan's ByName; cols is then each column's field (nil: a
	// column the model does not declare), matched on the first row.
	byName bool
	cols   []*schema.Field
	// Links are the link keys Read found, one per row, when the plan has a
	// lead column.
	Links []load.Key
}

// New prepares to read p's rows; hint is the expected row count, to size
// the lists of related objects once. linkKey, for a plan with a lead
// column, is the primary key the link column holds: the key is read as
// its type even when it arrives as text (pgx's exec, simple_protocol).
func New(p Plan, hint int, linkKey *schema.Field) *Scanner {
	n := p.Lead
	for _, nd := range p.Nodes {
		n += len(nd.Model.Columns)
	}
	sc := &Scanner{nodes: p.Nodes, lead: p.Lead, dest: make([]any, n), objs: make([]unsafe.Pointer, len(p.Nodes)), byName: p.ByName}
	if len(p.Nodes) > 1 {
		sc.seen = make([][]unsafe.Pointer, len(p.Nodes))
		sc.back = make([]*schema.Field, len(p.Nodes))
		for k := 1; k < len(sc.seen); k++ {
			sc.seen[k] = make([]unsafe.Pointer, 0, hint)
			sc.back[k] = p.Nodes[k].Field.Rel.Back
		}
	}
	if p.Lead == 1 {
		sc.dest[0] = sc.link.Scanner(linkKey)
		sc.Links = make([]load.Key, 0, hint)
	}
	return sc
}

// Read is eager's one row-reading loop: All, Iter's chunks, Get, First,
// Last and every prefetch or lazy load read their rows here. It reads each
// row of rows into a new object (from alloc; nil: a new struct of the
// plan's model), appends it to objs, and closes rows.
func (sc *Scanner) Read(rows pgx.Rows, alloc func() unsafe.Pointer, objs []unsafe.Pointer) ([]unsafe.Pointer, error) {
	defer rows.Close()
	model := sc.nodes[0].Model
	for rows.Next() {
		var obj unsafe.Pointer
		if alloc != nil {
			obj = alloc()
		} else {
			obj = newObject(model)
		}
		if err := sc.scan(rows, obj); err != nil {
			return objs, err
		}
		objs = append(objs, obj)
		if sc.lead == 1 {
			sc.Links = append(sc.Links, sc.link)
		}
	}
	rows.Close()
	return objs, rows.Err()
}

// scan reads the current row into root (a new struct of the plan's model).
func (sc *Scanner) scan(rows pgx.Rows, root unsafe.Pointer) error {
	if sc.byName {
		return sc.scanByName(rows, root)
	}
	if len(sc.nodes) == 1 {
		for i, f := range sc.nodes[0].Model.Columns {
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
			if sc.objs[n.Parent] != nil && raw[n.PKCol] != nil {
				obj = newObject(n.Model)
			}
			sc.objs[k] = obj
		}
		for _, f := range n.Model.Columns {
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
		n, parent, obj := sc.nodes[k], sc.objs[sc.nodes[k].Parent], sc.objs[k]
		if parent == nil {
			continue
		}
		// A nil obj with the key column not NULL (a LEFT JOIN that found no
		// row for the key) is recorded as such: Get reports the missing row.
		load.SetOne(parent, n.Field, obj)
		if obj != nil {
			if back := sc.back[k]; back != nil {
				load.SetOne(obj, back, parent) // the other side of a one-to-one
			}
			sc.seen[k] = append(sc.seen[k], obj)
		}
	}
	return nil
}

// Related reports whether the rows carry SelectRelated objects.
func (sc *Scanner) Related() bool { return len(sc.nodes) > 1 }

func newObject(m *schema.Model) unsafe.Pointer { return reflect.New(m.Type).UnsafePointer() }

// Bind records the result set of rows (and of their SelectRelated
// objects) so that each row knows its peers, its database and its load
// mode; o describes rows.
func (sc *Scanner) Bind(ctx context.Context, rows []unsafe.Pointer, o load.Options) {
	o.Rows = rows
	load.Bind(o)
	sc.BindRelated(ctx, rows, o)
}

// BindRelated records the result sets of the SelectRelated objects hanging
// from rows (a prefetch level binds its rows itself); o describes rows.
// Under a capture, each SelectRelated path is recorded as an eager load,
// to report it if nothing reads it.
func (sc *Scanner) BindRelated(ctx context.Context, rows []unsafe.Pointer, o load.Options) {
	if len(sc.nodes) < 2 {
		return
	}
	track := o.DB.Capturing(ctx)
	for k := 1; k < len(sc.nodes); k++ {
		n := sc.nodes[k]
		no := o
		no.Model, no.Rows, no.Path = n.Model, sc.seen[k], n.Path
		if o.Path != "" {
			no.Path = o.Path + "__" + n.Path
		}
		load.Bind(no)
		if track {
			parents := rows
			if n.Parent > 0 {
				parents = sc.seen[n.Parent]
			}
			load.TrackEager(ctx, o.DB, parents, n.Field, no.Path, "SelectRelated", o.Root)
		}
	}
	for k := 1; k < len(sc.seen); k++ {
		sc.seen[k] = sc.seen[k][len(sc.seen[k]):] // the next chunk's objects go to fresh memory: these are peers now
	}
}
