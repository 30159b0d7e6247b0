package queryset

import (
	"context"
	"fmt"
	"iter"
	"strings"
	"unsafe"

	"github.com/eagerorm/eager/orm"
)

// maxGetRows is how many rows Get reads to say how many matched, as Django does.
const maxGetRows = 21

// All runs the query and returns every row.
func (qs QuerySet[T]) All(ctx context.Context) ([]*T, error) {
	sql, args, empty, err := qs.selectSQL()
	if err != nil {
		return nil, err
	}
	if empty {
		return []*T{}, nil
	}
	rows, err := qs.db.Query(ctx, sql, args...)
	if err != nil {
		return nil, qs.wrap(err)
	}
	defer rows.Close()
	capHint := 16
	if qs.limit > 0 && qs.limit < 4096 {
		capHint = qs.limit
	}
	out := make([]*T, 0, capHint)
	sc := newScanner(qs.model)
	for rows.Next() {
		obj := new(T)
		if err := sc.scan(rows, unsafe.Pointer(obj)); err != nil {
			return nil, qs.wrap(err)
		}
		out = append(out, obj)
	}
	if err := rows.Err(); err != nil {
		return nil, qs.wrap(err)
	}
	return out, nil
}

// Iter runs the query and yields rows as they arrive, without holding them
// all in memory. Breaking out of the loop closes the rows. An error is
// yielded once, as the last element.
func (qs QuerySet[T]) Iter(ctx context.Context) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		sql, args, empty, err := qs.selectSQL()
		if err != nil {
			yield(nil, err)
			return
		}
		if empty {
			return
		}
		rows, err := qs.db.Query(ctx, sql, args...)
		if err != nil {
			yield(nil, qs.wrap(err))
			return
		}
		defer rows.Close()
		sc := newScanner(qs.model)
		for rows.Next() {
			obj := new(T)
			if err := sc.scan(rows, unsafe.Pointer(obj)); err != nil {
				yield(nil, qs.wrap(err))
				return
			}
			if !yield(obj, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(nil, qs.wrap(err))
		}
	}
}

func (qs QuerySet[T]) wrap(err error) error {
	return fmt.Errorf("queryset %s: %w", qs.model.Name, err)
}

// Get returns the one row matching the QuerySet and the optional extra
// conditions. No row is an error matching orm.ErrNoRows; several rows match
// orm.ErrMultipleRows, with how many were found.
func (qs QuerySet[T]) Get(ctx context.Context, nodes ...Node) (*T, error) {
	if len(nodes) > 0 {
		qs = qs.Filter(nodes...)
	}
	if qs.err != nil {
		return nil, qs.err
	}
	q := qs.clone()
	if q.limit < 0 || q.limit > maxGetRows {
		q.limit = maxGetRows
	}
	found, err := q.All(ctx)
	if err != nil {
		return nil, err
	}
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("queryset: Get %s: %w", qs.model.Name, orm.ErrNoRows)
	case 1:
		return found[0], nil
	case maxGetRows:
		return nil, fmt.Errorf("queryset: Get %s: %w (more than %d)", qs.model.Name, orm.ErrMultipleRows, maxGetRows-1)
	}
	return nil, fmt.Errorf("queryset: Get %s: %w (%d)", qs.model.Name, orm.ErrMultipleRows, len(found))
}

// First returns the first row in the QuerySet's order (by primary key when
// it has none); no row is an error matching orm.ErrNoRows.
func (qs QuerySet[T]) First(ctx context.Context) (*T, error) {
	if qs.err != nil {
		return nil, qs.err
	}
	q := qs.clone()
	if len(q.order) == 0 {
		q.order = []string{"pk"}
	}
	return q.one(ctx, "First")
}

// Last returns the last row in the QuerySet's order (by primary key when it
// has none); no row is an error matching orm.ErrNoRows.
func (qs QuerySet[T]) Last(ctx context.Context) (*T, error) {
	if qs.err != nil {
		return nil, qs.err
	}
	if qs.sliced {
		return nil, fmt.Errorf("queryset: Last: cannot reverse %s after Limit or Offset", qs.model.Name)
	}
	q := qs.clone()
	order := q.order
	if len(order) == 0 {
		order = []string{"pk"}
	}
	q.order = make([]string, len(order))
	for i, o := range order {
		if strings.HasPrefix(o, "-") {
			q.order[i] = o[1:]
		} else {
			q.order[i] = "-" + o
		}
	}
	return q.one(ctx, "Last")
}

func (qs QuerySet[T]) one(ctx context.Context, method string) (*T, error) {
	if qs.limit != 0 {
		qs.limit = 1
	}
	found, err := qs.All(ctx)
	if err != nil {
		return nil, err
	}
	if len(found) == 0 {
		return nil, fmt.Errorf("queryset: %s %s: %w", method, qs.model.Name, orm.ErrNoRows)
	}
	return found[0], nil
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

func (qs QuerySet[T]) countSQL() (string, []any, bool, error) {
	st, err := qs.plan(qs.sliced)
	if err != nil {
		return "", nil, false, err
	}
	empty := st.where.konst == -1 || qs.limit == 0
	if qs.distinct || qs.sliced {
		inner := qs.applySlice(st.selectFrom(st.modelColumns()...), st)
		sql, args, err := psql.Select("COUNT(*)").FromSelect(inner, "sub").ToSql()
		return sql, args, empty, err
	}
	sql, args, err := st.selectFrom("COUNT(*)").ToSql()
	return sql, args, empty, err
}

// Exists reports whether the QuerySet has any row (SELECT 1 ... LIMIT 1).
func (qs QuerySet[T]) Exists(ctx context.Context) (bool, error) {
	st, err := qs.plan(qs.sliced)
	if err != nil {
		return false, err
	}
	if st.where.konst == -1 || qs.limit == 0 {
		return false, nil
	}
	b := st.selectFrom("1").Limit(1)
	if qs.distinct || qs.sliced {
		b = psql.Select("1").FromSelect(qs.applySlice(st.selectFrom(st.modelColumns()...), st), "sub").Limit(1)
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
// it. A filter that can match nothing shows as WHERE FALSE (All then runs no
// statement at all).
func (qs QuerySet[T]) SQL() (string, []any, error) {
	sql, args, _, err := qs.selectSQL()
	return sql, args, err
}

// Explain returns PostgreSQL's plan for the statement All would run.
func (qs QuerySet[T]) Explain(ctx context.Context) (string, error) {
	sql, args, _, err := qs.selectSQL()
	if err != nil {
		return "", err
	}
	rows, err := qs.db.Query(ctx, "EXPLAIN "+sql, args...)
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
