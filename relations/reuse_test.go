package relations_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/eagerorm/eager/internal/pgtest"
	. "github.com/eagerorm/eager/internal/testdomain"
	"github.com/eagerorm/eager/orm"
	"github.com/eagerorm/eager/queryset"
	"github.com/eagerorm/eager/relations"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The shape of Django's prefetch_related tests: people own houses (M2M),
// houses have rooms (reverse FK), and a house's main room is a one-to-one
// whose reverse side is the room's main_room_of.
type rPerson struct {
	ID     int64                        `db:"id" orm:"pk"`
	Name   string                       `db:"name"`
	Houses relations.ManyToMany[rHouse] `orm:"through:r_person_houses,from:person_id,to:house_id"`
}

func (rPerson) TableName() string { return "r_person" }

type rHouse struct {
	ID       int64                     `db:"id" orm:"pk"`
	Address  string                    `db:"address"`
	MainRoom relations.OneToOne[rRoom] `db:"main_room_id" orm:"null"`
	Rooms    relations.Many[rRoom]     `orm:"reverse:House"`
}

func (rHouse) TableName() string { return "r_house" }

type rRoom struct {
	ID         int64                        `db:"id" orm:"pk"`
	Name       string                       `db:"name"`
	House      relations.ForeignKey[rHouse] `db:"house_id"`
	MainRoomOf relations.OneToOne[rHouse]   `orm:"reverse:MainRoom"`
}

func (rRoom) TableName() string { return "r_room" }

const housesDDL = `
CREATE TABLE r_person (id bigint PRIMARY KEY, name text NOT NULL);
CREATE TABLE r_house (id bigint PRIMARY KEY, address text NOT NULL, main_room_id bigint UNIQUE);
CREATE TABLE r_room (id bigint PRIMARY KEY, name text NOT NULL, house_id bigint NOT NULL REFERENCES r_house);
ALTER TABLE r_house ADD FOREIGN KEY (main_room_id) REFERENCES r_room;
CREATE TABLE r_person_houses (person_id bigint NOT NULL REFERENCES r_person, house_id bigint NOT NULL REFERENCES r_house);
INSERT INTO r_person VALUES (1, 'Joe'), (2, 'Mary');
INSERT INTO r_house VALUES (1, '123 Main St', NULL), (2, '45 Side St', NULL), (3, '6 Downing St', NULL), (4, '7 Regents St', NULL);
INSERT INTO r_room VALUES (11, 'Dining room', 1), (12, 'Lounge', 1), (13, 'Kitchen', 1),
	(21, 'Dining room', 2), (22, 'Lounge', 2),
	(31, 'Dining room', 3), (32, 'Lounge', 3), (33, 'Kitchen', 3),
	(41, 'Dining room', 4), (42, 'Lounge', 4);
UPDATE r_house SET main_room_id = id * 10 + 1;
INSERT INTO r_person_houses VALUES (1, 1), (1, 2), (2, 3), (2, 4);`

func houses(t *testing.T) (*orm.DB, *counter) {
	t.Helper()
	tdb := pgtest.New(t)
	_, err := tdb.Pool.Exec(context.Background(), housesDDL)
	require.NoError(t, err)
	c := &counter{}
	return orm.New(tdb.Pool, orm.WithHook(c), orm.WithLoadMode(orm.StrictAll)), c
}

// walk reads person -> houses -> rooms -> main_room_of; under StrictAll an
// unloaded relation panics, so it proves everything was loaded.
func walk(t *testing.T, ctx context.Context, people []*rPerson) string {
	t.Helper()
	var sb strings.Builder
	for _, p := range people {
		hs, err := p.Houses.All(ctx)
		require.NoError(t, err)
		fmt.Fprintf(&sb, "%s:", p.Name)
		for _, h := range hs {
			rooms, err := h.Rooms.All(ctx)
			require.NoError(t, err)
			fmt.Fprintf(&sb, " %d[", h.ID)
			for _, r := range rooms {
				of, err := r.MainRoomOf.Get(ctx)
				require.NoError(t, err)
				if of != nil {
					require.Equal(t, h.ID, of.ID, "the main room's house is the house it was reached from")
					back, err := of.MainRoom.Get(ctx)
					require.NoError(t, err)
					require.Same(t, r, back, "and its main room is the room it was reached from")
					fmt.Fprintf(&sb, "*")
				}
				fmt.Fprintf(&sb, "%d ", r.ID)
			}
			fmt.Fprintf(&sb, "]")
		}
		fmt.Fprintf(&sb, "; ")
	}
	return sb.String()
}

// A path one lookup loads is reused by the next, never loaded twice: the
// custom queryset's own PrefetchRelated("rooms") and the path
// "houses__rooms__main_room_of" share the rooms level.
func TestPrefetchReusesLoadedPath(t *testing.T) {
	db, c := houses(t)
	ctx := context.Background()
	const all = "Joe: 1[*11 12 13 ] 2[*21 22 ]; Mary: 3[*31 32 33 ] 4[*41 42 ]; "
	housesWithRooms := queryset.New[rHouse](db).PrefetchRelated("rooms")
	for _, order := range []string{"path first", "queryset first"} {
		t.Run(order, func(t *testing.T) {
			lookups := []any{"houses__rooms__main_room_of", queryset.Prefetch("houses", housesWithRooms)}
			if order == "queryset first" {
				lookups[0], lookups[1] = lookups[1], lookups[0]
			}
			c.Reset()
			people, err := queryset.New[rPerson](db).OrderBy("id").PrefetchRelated(lookups...).All(ctx)
			require.NoError(t, err)
			assert.Equal(t, 4, c.N(), "people, houses, rooms, main_room_of: %q", c.SQLs())
			assert.Equal(t, all, walk(t, ctx, people))
			assert.Equal(t, 4, c.N(), "and reading them sends nothing")
		})
	}
	t.Run("inner custom queryset, as in Django's test_custom_qs", func(t *testing.T) {
		inner := queryset.New[rHouse](db).PrefetchRelated(
			queryset.Prefetch("rooms", queryset.New[rRoom](db).Filter(queryset.Q{"pk__in": []int64{11, 12}}).OrderBy("id")))
		c.Reset()
		people, err := queryset.New[rPerson](db).OrderBy("id").PrefetchRelated(
			queryset.Prefetch("houses", inner.Filter(queryset.Q{"pk": 1})), "houses__rooms__main_room_of").All(ctx)
		require.NoError(t, err)
		assert.Equal(t, 4, c.N(), "%q", c.SQLs())
		assert.Equal(t, "Joe: 1[*11 12 ]; Mary:; ", walk(t, ctx, people))
	})
	t.Run("two querysets for one path is an error", func(t *testing.T) {
		_, err := queryset.New[rPerson](db).PrefetchRelated(
			queryset.Prefetch("houses__rooms", queryset.New[rRoom](db).Filter(queryset.Q{"pk": 11})),
			queryset.Prefetch("houses", queryset.New[rHouse](db).PrefetchRelated(
				queryset.Prefetch("rooms", queryset.New[rRoom](db).Filter(queryset.Q{"pk": 12}))))).All(ctx)
		require.Error(t, err)
		assert.Contains(t, err.Error(), `"houses__rooms" is given two querysets`)
		_, err = queryset.New[rPerson](db).PrefetchRelated(
			queryset.Prefetch("houses", queryset.New[rHouse](db)), queryset.Prefetch("houses", queryset.New[rHouse](db).OrderBy("id"))).All(ctx)
		require.Error(t, err)
		assert.Contains(t, err.Error(), `"houses" is given two querysets`)
	})
}

// Loading one side of a one-to-one fills the other side of the row it
// loads, both directions, whatever loaded it.
func TestOneToOneFillsTheReverseSide(t *testing.T) {
	db, c, _ := seeded(t)
	ctx := context.Background()
	backToProfile := func(t *testing.T, p *Profile) {
		t.Helper()
		a, err := p.Author.Get(ctx)
		require.NoError(t, err)
		n := c.N()
		back, err := a.Profile.Get(ctx)
		require.NoError(t, err)
		assert.Same(t, p, back)
		assert.Equal(t, n, c.N(), "the reverse side was filled: no statement")
	}
	backToAuthor := func(t *testing.T, a *Author) {
		t.Helper()
		p, err := a.Profile.Get(ctx)
		require.NoError(t, err)
		require.NotNil(t, p)
		n := c.N()
		back, err := p.Author.Get(ctx)
		require.NoError(t, err)
		assert.Same(t, a, back)
		assert.Equal(t, n, c.N(), "the forward side was filled: no statement")
	}
	t.Run("SelectRelated", func(t *testing.T) {
		ps, err := queryset.New[Profile](db).SelectRelated("author").OrderBy("id").All(ctx)
		require.NoError(t, err)
		c.Reset()
		for _, p := range ps {
			backToProfile(t, p)
		}
		as, err := queryset.New[Author](db).SelectRelated("profile").Filter(queryset.Q{"name__in": []string{"Ann", "Bob"}}).All(ctx)
		require.NoError(t, err)
		for _, a := range as {
			backToAuthor(t, a)
		}
	})
	t.Run("PrefetchRelated", func(t *testing.T) {
		ps, err := queryset.New[Profile](db).PrefetchRelated("author").OrderBy("id").All(ctx)
		require.NoError(t, err)
		c.Reset()
		for _, p := range ps {
			backToProfile(t, p)
		}
		assert.Equal(t, 0, c.N())
		as, err := queryset.New[Author](db).PrefetchRelated("profile").Filter(queryset.Q{"name__in": []string{"Ann", "Bob"}}).All(ctx)
		require.NoError(t, err)
		for _, a := range as {
			backToAuthor(t, a)
		}
	})
	t.Run("lazy", func(t *testing.T) {
		p, err := queryset.New[Profile](db).Get(ctx, queryset.Q{"pk": 1})
		require.NoError(t, err)
		c.Reset()
		backToProfile(t, p)
		assert.Equal(t, 1, c.N(), "one statement for the author, none back")
		a, err := queryset.New[Author](db).Get(ctx, queryset.Q{"name": "Bob"})
		require.NoError(t, err)
		c.Reset()
		backToAuthor(t, a)
		assert.Equal(t, 1, c.N())
	})
	t.Run("FetchPeers", func(t *testing.T) {
		ps, err := queryset.New[Profile](db).WithLoadMode(orm.FetchPeers).OrderBy("id").All(ctx)
		require.NoError(t, err)
		c.Reset()
		for _, p := range ps {
			backToProfile(t, p)
		}
		assert.Equal(t, 1, c.N())
	})
}
