package queryset

import (
	"context"
	"fmt"
	"hash/fnv"
	"iter"
	"strconv"
	"strings"
	"sync/atomic"
	"unsafe"

	"github.com/eagerorm/eager/internal/load"
	"github.com/eagerorm/eager/internal/scan"
	"github.com/eagerorm/eager/internal/sqlgen"
	"github.com/eagerorm/eager/orm"
)

// maxGetRows is how many rows Get reads to say how many matched, as Django does.
const maxGetRows = 21

// defaultIterChunk is how many rows Iter reads, prefetches for and yields at a time.
const defaultIterChunk = 1000

func newOf[T any]() unsafe.Pointer { return unsafe.Pointer(new(T)) }

// typed views []unsafe.Pointer as []*T: the two have the same layout.
func typed[T any](rows []unsafe.Pointer) []*T { return *(*[]*T)(unsafe.Pointer(&rows)) }

// All runs the query and returns every row, with the relations
// SelectRelated and PrefetchRelated name loaded.
func (qs QuerySet[T]) All(ctx context.Context) ([]*T, error) {
	rows, err := qs.rows(ctx, newOf[T], true)
	return typed[T](rows), err
}

// rows runs the SELECT, reads every row (allocated by alloc), records the
// result set and runs the prefetches. multi says whether the rows count as a
// multi-row result for strict mode (All, Iter) or a single one (Get, First).
func (q query) rows(ctx context.Context, alloc func() unsafe.Pointer, multi bool) ([]unsafe.Pointer, error) {
	sel, err := q.selection()
	if err != nil {
		return nil, err
	}
	if err := q.needsTx(); err != nil {
		return nil, err
	}
	if sel.empty {
		return []unsafe.Pointer{}, nil
	}
	qctx := ctx
	if !multi {
		qctx = load.EngineOf(q.db).SingleRow(ctx, q.model.Name) // a loop of Gets is an N+1 the report names
	}
	rows, err := q.db.Query(qctx, sel.sql, sel.args...)
	if err != nil {
		return nil, q.wrap(err)
	}
	capHint := 16
	if q.limit > 0 && q.limit < 4096 {
		capHint = q.limit
	}
	sc := scan.New(sel.plan, capHint, nil)
	out, err := sc.Read(rows, alloc, make([]unsafe.Pointer, 0, capHint))
	if err != nil {
		return nil, q.wrap(err)
	}
	return out, q.finish(ctx, q.db, sc, out, multi)
}

// loadMode is the mode rows loaded now carry: the QuerySet's, else the
// context's, else the DB's, never looser than the DB's floor.
func (q query) loadMode(ctx context.Context) load.Mode {
	return load.EngineOf(q.db).ResolveLoadMode(ctx, load.Mode(q.mode), q.hasMode)
}

// finish records the result set (each row's peers) and runs the prefetches
// on db.
func (q query) finish(ctx context.Context, db *orm.DB, sc *scan.Scanner, rows []unsafe.Pointer, multi bool) error {
	if len(rows) == 0 {
		return nil
	}
	mode := q.loadMode(ctx)
	if len(q.model.Relations) > 0 || sc.Related() {
		sc.Bind(ctx, rows, load.Options{DB: load.EngineOf(db), Model: q.model, Multi: multi, Mode: mode, Loader: defaultLoader, Root: q.model.Name})
	}
	if len(q.prefetch) == 0 {
		return nil
	}
	err := load.Prefetch(ctx, rows, q.prefetch,
		load.Options{DB: load.EngineOf(db), Model: q.model, Loader: defaultLoader, Mode: mode, Root: q.model.Name, Track: true})
	if err != nil {
		return q.wrap(err)
	}
	return nil
}

// Iter runs the query and yields rows as they arrive, a chunk at a time
// (IterChunk, default 1000), without holding them all: each chunk is read,
// its prefetches run, and its rows yielded. Breaking out of the loop ends
// it. An error is yielded once, as the last element.
//
// Iter holds one connection from the first row to the end of the loop: it
// reads the rows through a cursor (DECLARE / FETCH) in a transaction on
// that connection (the caller's, when the DB is in one), and the chunks'
// prefetches and every load of the yielded rows' relations inside the loop
// (lazy, FetchPeers) run on it too, so Iter never waits on the pool for a
// second connection. Statements the loop body sends through its own DB are
// not on it: on a pool of one connection they wait for the loop to end.
func (qs QuerySet[T]) Iter(ctx context.Context) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		err := qs.iterate(ctx, newOf[T], func(p unsafe.Pointer) bool { return yield((*T)(p), nil) })
		if err != nil {
			yield(nil, err)
		}
	}
}

func (q query) iterate(ctx context.Context, alloc func() unsafe.Pointer, each func(unsafe.Pointer) bool) error {
	sel, err := q.selection()
	if err != nil {
		return err
	}
	if err := q.needsTx(); err != nil {
		return err
	}
	if sel.empty {
		return nil
	}
	chunk := q.chunk
	if chunk == 0 {
		chunk = defaultIterChunk
	}
	if q.db.InTx() {
		// The caller's transaction may hold other cursors, Iters nested in
		// this loop among them: a name of its own, closed at the end.
		name := "eager_iter_" + strconv.FormatUint(cursorSeq.Add(1), 10)
		return q.iterCursor(ctx, q.db, name, true, sel, chunk, alloc, each)
	}
	return q.db.RunInTx(ctx, func(ctx context.Context, tx *orm.DB) error {
		h := &heldConn{tx: tx.Querier(), after: q.db.Querier()}
		defer h.release() // before the COMMIT: nothing may still run on the connection
		// The transaction is Iter's own and holds only this cursor, closed by
		// the COMMIT. Its name follows the statement, so that on a connection
		// that ran this Iter before, the prepared FETCH (which describes the
		// cursor's columns) is reused and still right.
		name := "eager_iter_" + strconv.FormatUint(fnv64(sel.sql), 16)
		return q.iterCursor(ctx, q.db.WithQuerier(h), name, false, sel, chunk, alloc, each)
	})
}

var cursorSeq atomic.Uint64

func fnv64(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// iterCursor reads the rows through cursor name, declared on cur (a
// transaction, or statements routed to one), a chunk at a time; between
// FETCHes the connection runs the chunk's prefetches and the loop body's
// loads. The rows load their relations through cur. closeAfter closes the
// cursor at the end (in a transaction that goes on after Iter).
func (q query) iterCursor(ctx context.Context, cur *orm.DB, name string, closeAfter bool, sel *selection, chunk int,
	alloc func() unsafe.Pointer, each func(unsafe.Pointer) bool) error {
	if _, err := cur.Exec(ctx, sqlgen.D.DeclareCursor(name)+sel.sql, sel.args...); err != nil {
		return q.wrap(err)
	}
	fetch := sqlgen.D.FetchCursor(name, chunk)
	sc := scan.New(sel.plan, min(chunk, 1024), nil)
	// The FETCH and the chunk's prefetches repeat once per chunk: marked so,
	// the capture report does not take them for an N+1 loop.
	chunkCtx := load.PerChunk(ctx)
	for {
		rows, err := cur.Query(chunkCtx, fetch)
		if err != nil {
			return q.wrap(err)
		}
		// A new slice each chunk: the last chunk's rows keep theirs as peers.
		buf, err := sc.Read(rows, alloc, make([]unsafe.Pointer, 0, min(chunk, 1024)))
		if err != nil {
			return q.wrap(err)
		}
		if err := q.finish(chunkCtx, cur, sc, buf, true); err != nil {
			return err
		}
		stopped := false
		for _, p := range buf {
			if !each(p) {
				stopped = true
				break
			}
		}
		if stopped || len(buf) < chunk {
			break
		}
	}
	if closeAfter {
		if _, err := cur.Exec(ctx, sqlgen.D.CloseCursor(name)); err != nil {
			return q.wrap(err)
		}
	}
	return nil
}

func (q query) wrap(err error) error {
	return fmt.Errorf("queryset %s: %w", q.model.Name, err)
}

// Get returns the one row matching the QuerySet and the optional extra
// conditions. No row is an error matching orm.ErrNoRows; several rows match
// orm.ErrMultipleRows, with how many were found.
func (qs QuerySet[T]) Get(ctx context.Context, nodes ...Node) (*T, error) {
	if len(nodes) > 0 {
		qs = qs.Filter(nodes...)
	}
	if err := qs.failure(); err != nil {
		return nil, err
	}
	q := qs.clone()
	if q.limit < 0 || q.limit > maxGetRows {
		q.limit = maxGetRows
	}
	found, err := q.rows(ctx, newOf[T], false)
	if err != nil {
		return nil, err
	}
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("queryset: Get %s: %w", q.model.Name, orm.ErrNoRows)
	case 1:
		return (*T)(found[0]), nil
	case maxGetRows:
		return nil, fmt.Errorf("queryset: Get %s: %w (more than %d)", q.model.Name, orm.ErrMultipleRows, maxGetRows-1)
	}
	return nil, fmt.Errorf("queryset: Get %s: %w (%d)", q.model.Name, orm.ErrMultipleRows, len(found))
}

// First returns the first row in the QuerySet's order (by primary key when
// it has none); no row is an error matching orm.ErrNoRows.
func (qs QuerySet[T]) First(ctx context.Context) (*T, error) {
	if err := qs.failure(); err != nil {
		return nil, err
	}
	q := qs.clone()
	if len(q.order) == 0 {
		q.order = q.model.KeyNames()
	}
	return one[T](ctx, q, "First")
}

// Last returns the last row in the QuerySet's order (by primary key when it
// has none); no row is an error matching orm.ErrNoRows.
func (qs QuerySet[T]) Last(ctx context.Context) (*T, error) {
	if err := qs.failure(); err != nil {
		return nil, err
	}
	if qs.sliced {
		return nil, fmt.Errorf("queryset: Last: cannot reverse %s after Limit or Offset", qs.model.Name)
	}
	q := qs.clone()
	order := q.order
	if len(order) == 0 {
		order = q.model.KeyNames()
	}
	q.order = make([]string, len(order))
	for i, o := range order {
		if strings.HasPrefix(o, "-") {
			q.order[i] = o[1:]
		} else {
			q.order[i] = "-" + o
		}
	}
	return one[T](ctx, q, "Last")
}

func one[T any](ctx context.Context, q query, method string) (*T, error) {
	if q.limit != 0 {
		q.limit = 1
	}
	found, err := q.rows(ctx, newOf[T], false)
	if err != nil {
		return nil, err
	}
	if len(found) == 0 {
		return nil, fmt.Errorf("queryset: %s %s: %w", method, q.model.Name, orm.ErrNoRows)
	}
	return (*T)(found[0]), nil
}

// Count returns the number of rows: SELECT COUNT(*), over a subquery when the
// QuerySet is distinct or sliced.
func (qs QuerySet[T]) Count(ctx context.Context) (int64, error) {
	sql, args, empty, err := qs.countSQL()
	if err != nil || empty {
		return 0, err
	}
	var n int64
	if err := qs.db.QueryRow(ctx, sql, args...).Scan(&n); err != nil {
		return 0, qs.wrap(err)
	}
	return n, nil
}

func (q query) countSQL() (string, []any, bool, error) {
	st, err := q.plan(q.sliceOrder())
	if err != nil {
		return "", nil, false, err
	}
	empty := st.where.truth == alwaysFalse || q.limit == 0
	if q.distinct || q.sliced {
		inner := q.applySlice(st.selectFrom(st.modelColumns()...), st)
		sql, args, err := sqlgen.Builder.Select("COUNT(*)").FromSelect(inner, "sub").ToSql()
		return sql, args, empty, err
	}
	sql, args, err := st.selectFrom("COUNT(*)").ToSql()
	return sql, args, empty, err
}

// Exists reports whether the QuerySet has any row (SELECT 1 ... LIMIT 1).
func (qs QuerySet[T]) Exists(ctx context.Context) (bool, error) {
	st, err := qs.plan(qs.sliceOrder())
	if err != nil {
		return false, err
	}
	if st.where.truth == alwaysFalse || qs.limit == 0 {
		return false, nil
	}
	b := st.selectFrom("1").Limit(1)
	if qs.distinct || qs.sliced {
		b = sqlgen.Builder.Select("1").FromSelect(qs.applySlice(st.selectFrom(st.modelColumns()...), st), "sub").Limit(1)
	}
	sql, args, err := b.ToSql()
	if err != nil {
		return false, err
	}
	rows, err := qs.db.Query(ctx, sql, args...)
	if err != nil {
		return false, qs.wrap(err)
	}
	found := rows.Next()
	rows.Close()
	if err := rows.Err(); err != nil {
		return false, qs.wrap(err)
	}
	return found, nil
}

// SQL returns the statement All would run and its arguments, without running
// it (prefetches run further statements). A filter that can match nothing
// shows as WHERE FALSE (All then runs no statement at all).
func (qs QuerySet[T]) SQL() (string, []any, error) {
	sel, err := qs.selection()
	if err != nil {
		return "", nil, err
	}
	return sel.sql, sel.args, nil
}

// Explain returns PostgreSQL's plan for the statement All would run.
func (qs QuerySet[T]) Explain(ctx context.Context) (string, error) {
	sel, err := qs.selection()
	if err != nil {
		return "", err
	}
	rows, err := qs.db.Query(ctx, "EXPLAIN "+sel.sql, sel.args...)
	if err != nil {
		return "", qs.wrap(err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return "", qs.wrap(err)
		}
		lines = append(lines, line)
	}
	if err := rows.Err(); err != nil {
		return "", qs.wrap(err)
	}
	return strings.Join(lines, "\n"), nil
}
