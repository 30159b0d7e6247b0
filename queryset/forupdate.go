package queryset

import (
	"fmt"
	"strings"

	sq "github.com/Masterminds/squirrel"

	"github.com/eagerorm/eager/internal/schema"
	"github.com/eagerorm/eager/internal/sqlgen"
	"github.com/eagerorm/eager/orm"
)

// LockOption adjusts the row lock ForUpdate takes: how it waits (NoWait,
// SkipLocked), how strong it is (NoKeyUpdate, Share, KeyShare) and which
// tables it locks (Of).
type LockOption func(*lockSpec) error

// lockSpec is the locking clause of a QuerySet (the dialect writes it).
type lockSpec struct {
	strength sqlgen.LockStrength
	wait     sqlgen.LockWait
	of       []string // relation paths, "self" for the model's own rows; nil: the default
	set      bool     // a strength was given
}

// lockSelf names the QuerySet's own rows in Of, as in Django.
const lockSelf = "self"

// NoWait makes a row another transaction holds a lock-not-available error
// (SQLSTATE 55P03) at once, instead of waiting for it.
func NoWait() LockOption { return lockWait(sqlgen.LockNoWait) }

// SkipLocked leaves out the rows another transaction holds: the job-queue
// lock, where each worker takes rows no other worker has.
func SkipLocked() LockOption { return lockWait(sqlgen.LockSkipLocked) }

func lockWait(w sqlgen.LockWait) LockOption {
	return func(l *lockSpec) error {
		if l.wait != sqlgen.LockBlock && l.wait != w {
			return fmt.Errorf("options %s and %s together: a lock either fails at once or skips the locked rows", waitName[l.wait], waitName[w])
		}
		l.wait = w
		return nil
	}
}

// NoKeyUpdate takes FOR NO KEY UPDATE: it still excludes other writers, but
// lets other transactions insert rows whose foreign key points at the locked
// rows (FOR KEY SHARE). Django's select_for_update(no_key=True). Use it when
// the transaction updates the rows without changing their key.
func NoKeyUpdate() LockOption { return lockStrength(sqlgen.LockNoKeyUpdate) }

// Share takes FOR SHARE: other transactions may read and share-lock the rows
// but not change them until this one ends.
func Share() LockOption { return lockStrength(sqlgen.LockShare) }

// KeyShare takes FOR KEY SHARE, the weakest lock: it blocks only deleting
// the rows or changing their key.
func KeyShare() LockOption { return lockStrength(sqlgen.LockKeyShare) }

func lockStrength(s sqlgen.LockStrength) LockOption {
	return func(l *lockSpec) error {
		if l.set && l.strength != s {
			return fmt.Errorf("options %s and %s together: give one lock strength", strengthName[l.strength], strengthName[s])
		}
		l.strength, l.set = s, true
		return nil
	}
}

// Of names what is locked, as relation paths of the QuerySet's model
// ("customer", "customer__address"), "self" for the QuerySet's own rows:
// exactly those tables' rows are locked (FOR UPDATE OF ...). Each path must
// be a to-one relation joined by an INNER JOIN, since PostgreSQL cannot lock
// the nullable side of an outer join: Of joins a path of NOT NULL keys
// itself (INNER, so a row whose key points at no row, possible only without
// a foreign-key constraint, is not returned); a nullable relation must
// already be joined as INNER by a Filter across it.
func Of(paths ...string) LockOption {
	return func(l *lockSpec) error {
		if len(paths) == 0 {
			return fmt.Errorf("an empty Of(): name the relations to lock (\"self\" for the rows themselves)")
		}
		l.of = append(l.of, paths...)
		return nil
	}
}

// The options' names, for errors.
var (
	waitName     = map[sqlgen.LockWait]string{sqlgen.LockNoWait: "NoWait", sqlgen.LockSkipLocked: "SkipLocked"}
	strengthName = map[sqlgen.LockStrength]string{sqlgen.LockUpdate: "ForUpdate", sqlgen.LockNoKeyUpdate: "NoKeyUpdate",
		sqlgen.LockShare: "Share", sqlgen.LockKeyShare: "KeyShare"}
)

// ForUpdate locks the rows All, Iter, Get, First, Last, Values and
// ValuesList read until the end of the transaction (SELECT ... FOR
// UPDATE), Django's select_for_update. It needs a transaction: run it on
// the DB RunInTx hands its callback; on any other DB those return an error
// and send nothing. Count, Exists and the aggregates do not lock (as in
// Django: PostgreSQL cannot lock the rows behind an aggregate). PrefetchRelated's
// statements and lazy loads do not lock the related rows; to lock them with
// the rows, SelectRelated them and name them with Of.
//
// Without Of, only the model's own rows are locked: when the statement joins
// other tables (SelectRelated, a Filter across a relation) the clause is
// FOR UPDATE OF "<table>", so that a join never locks related rows by
// surprise nor fails on the nullable side of a LEFT JOIN. A later ForUpdate
// replaces an earlier one.
func (qs QuerySet[T]) ForUpdate(opts ...LockOption) QuerySet[T] {
	q := qs.clone()
	l := &lockSpec{}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(l); err != nil {
			return QuerySet[T]{q.fail(fmt.Errorf("queryset: ForUpdate on %s: %w", q.name(), err))}
		}
	}
	if q.model != nil {
		for _, p := range l.of {
			if err := checkLockPath(q.model, p, q.maxDepth()); err != nil {
				return QuerySet[T]{q.fail(err)}
			}
		}
	}
	q.lock = l
	return QuerySet[T]{q}
}

// checkLockPath checks that an Of path is "self" or a to-one relation path.
func checkLockPath(m *schema.Model, path string, limit int) error {
	if path == lockSelf {
		return nil
	}
	if err := checkRelationPath(m, path, limit); err != nil {
		return err
	}
	_, err := lockHops(m, path)
	return err
}

// lockHops resolves an Of path to its relations, to-one only.
func lockHops(m *schema.Model, path string) ([]*schema.Field, error) {
	if path == "" {
		return nil, &orm.FieldError{Model: m.Name, Field: path, Msg: "ForUpdate: Of: empty path (\"self\" names the rows themselves)"}
	}
	cur := m
	var hops []*schema.Field
	for _, name := range strings.Split(path, "__") {
		f, err := cur.RelationByName(name, path, "ForUpdate: Of")
		if err != nil {
			return nil, err
		}
		if f.Rel.Multi() {
			return nil, &orm.FieldError{Model: m.Name, Field: path, Msg: fmt.Sprintf(
				"ForUpdate: Of follows to-one relations only: %s is a %s relation (several rows per %s); lock those rows with a ForUpdate query of their own",
				f, f.Rel.Kind, cur.Name)}
		}
		hops = append(hops, f)
		cur = f.Rel.Target
	}
	return hops, nil
}

// lockJoins plans the INNER joins the Of paths need, before SelectRelated
// plans its (LEFT) ones, so that a relation both load and lock is joined
// once, as INNER. A nullable hop is never joined here: an INNER join on it
// would drop the rows whose key is NULL, a silent change of the result; it
// must come from a Filter that needs the related row anyway.
func (st *stmt) lockJoins(l *lockSpec) error {
	for _, p := range l.of {
		if p == lockSelf {
			continue
		}
		hops, err := lockHops(st.s.model, p)
		if err != nil {
			return err
		}
		key := ""
		for _, h := range hops {
			key += "__" + h.Name
			if j := st.s.byPath[key]; h.Rel.Optional() && (j == nil || j.isLeft()) {
				return &orm.FieldError{Model: st.s.model.Name, Field: p, Msg: fmt.Sprintf(
					"ForUpdate: Of(%q): %s may find no row (a nullable key or a reverse one-to-one), so it is joined by a LEFT JOIN, and PostgreSQL cannot lock the nullable side of an outer join; Filter across it (which joins it INNER) or lock those rows with a ForUpdate query of their own",
					p, h)}
			}
		}
		st.s.joinPath(hops, false)
	}
	return nil
}

// lockClause is the locking clause of the statement: after planning, since
// a join an ordering or SelectRelated promoted to LEFT cannot be locked.
func (st *stmt) lockClause(q query) (string, error) {
	l := q.lock
	if q.distinct {
		return "", fmt.Errorf("queryset: ForUpdate on %s: PostgreSQL cannot lock the rows of a Distinct query (each result row may stand for several table rows)", q.name())
	}
	var of []string
	switch {
	case l.of != nil:
		for _, p := range l.of {
			if p == lockSelf {
				of = appendNew(of, sqlgen.Ident(st.s.alias))
				continue
			}
			hops, err := lockHops(st.s.model, p)
			if err != nil {
				return "", wrapChain(q.model, err)
			}
			j := st.s.joinPath(hops, false) // planned by lockJoins: found, not added
			if j.isLeft() {
				return "", &orm.FieldError{Model: st.s.model.Name, Field: p, Msg: fmt.Sprintf(
					"ForUpdate: Of(%q): the relation is joined by a LEFT JOIN (an ordering, an Or or an IS NULL test on it needs one), and PostgreSQL cannot lock the nullable side of an outer join",
					p)}
			}
			of = appendNew(of, sqlgen.Ident(j.alias))
		}
	case len(st.s.joins) > 0:
		of = []string{sqlgen.Ident(st.s.alias)}
	}
	return sqlgen.D.Lock(l.strength, of, l.wait), nil
}

// needsTx is the error of a locking query run outside a transaction: its
// locks would be released as soon as the statement ends, protecting nothing.
func (q query) needsTx() error {
	if q.lock == nil || q.db.InTx() {
		return nil
	}
	return fmt.Errorf("queryset %s: ForUpdate needs a transaction: use db.RunInTx and run the query on the DB it passes (outside one, the lock would end with the statement)", q.name())
}

// lockRows adds ForUpdate's clause to a projection of the rows (Values,
// ValuesList): they read rows as All does, so they lock them as All does
// (Django's values() on a select_for_update locks too). Of is refused
// there: the projection plans its own joins, and a path Of needs INNER
// could not be told apart from one a projection needs LEFT.
func (q query) lockRows(st *stmt, b sq.SelectBuilder, method string) (sq.SelectBuilder, error) {
	if q.lock == nil {
		return b, nil
	}
	if err := q.needsTx(); err != nil {
		return b, err
	}
	if q.lock.of != nil {
		return b, fmt.Errorf("queryset: %s on %s: ForUpdate with Of locks related rows of All, Iter, Get, First and Last only; lock with All, or drop Of (the rows themselves are then locked)", method, q.name())
	}
	clause, err := st.lockClause(q)
	if err != nil {
		return b, err
	}
	return b.Suffix(clause), nil
}
