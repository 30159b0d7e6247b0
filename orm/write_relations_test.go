package orm_test

import (
	"context"
	"testing"

	"github.com/eagerorm/eager/orm"
	"github.com/eagerorm/eager/queryset"
	"github.com/eagerorm/eager/relations"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A small blog with every relation kind: Insert and Update write a row's own
// columns, so what a to-many or reverse relation holds is theirs to refuse,
// never to drop.
type wrAuthor struct {
	ID    int64                     `orm:"pk"`
	Name  string                    `db:"name"`
	Posts relations.Many[wrPost]    `orm:"reverse:Author"`
	Bio   relations.OneToOne[wrBio] `orm:"reverse:Author"`
}

type wrPost struct {
	ID     int64                          `orm:"pk"`
	Title  string                         `db:"title"`
	Author relations.ForeignKey[wrAuthor] `db:"author_id"`
	Editor relations.ForeignKey[wrAuthor] `db:"editor_id" orm:"null"`
	Tags   relations.ManyToMany[wrTag]    `orm:"through:wr_post_tags,from:post_id,to:tag_id"`
}

type wrTag struct {
	ID   int64  `orm:"pk"`
	Name string `db:"name"`
}

type wrBio struct {
	ID     int64                        `orm:"pk"`
	Author relations.OneToOne[wrAuthor] `db:"author_id"`
	Text   string                       `db:"text"`
}

func setupBlog(t *testing.T) (*orm.DB, *recorder) {
	db, rec := newDB(t)
	createTable(t, db, model[wrAuthor](t))
	createTable(t, db, model[wrPost](t))
	createTable(t, db, model[wrTag](t))
	createTable(t, db, model[wrBio](t))
	mustExec(t, db, `CREATE TABLE wr_post_tags (post_id bigint NOT NULL REFERENCES wr_post, tag_id bigint NOT NULL REFERENCES wr_tag, PRIMARY KEY (post_id, tag_id))`)
	rec.reset()
	return db, rec
}

// Issue 13 item 4: links held in memory were silently not saved.
func TestWritesRefuseRelationRowsTheyWouldDrop(t *testing.T) {
	ctx := context.Background()
	db, rec := setupBlog(t)
	ann := &wrAuthor{Name: "Ann"}
	require.NoError(t, orm.Insert(ctx, db, ann))
	tags := []*wrTag{{Name: "go"}, {Name: "sql"}}
	require.NoError(t, orm.BulkInsert(ctx, db, tags))

	t.Run("ManyToMany on Insert", func(t *testing.T) {
		rec.reset()
		p := &wrPost{Title: "Hello"}
		p.Author.Set(ann)
		p.Tags.SetLoaded(tags)
		err := orm.Insert(ctx, db, p)
		require.ErrorIs(t, err, orm.ErrRelationNotWritten)
		assert.Contains(t, err.Error(), `orm: insert wrPost: field "tags" holds 2 wrTag rows`)
		assert.Empty(t, rec.sqls(), "refused before anything is sent")
		assert.Zero(t, p.ID)

		err = orm.BulkInsert(ctx, db, []*wrPost{p})
		require.ErrorIs(t, err, orm.ErrRelationNotWritten)
		assert.Contains(t, err.Error(), `orm: bulk insert wrPost: objs[0]: field "tags" holds 2 wrTag rows`)
		assert.Empty(t, rec.sqls())
	})
	t.Run("reverse Many on Insert", func(t *testing.T) {
		a := &wrAuthor{Name: "Bo"}
		a.Posts.SetLoaded([]*wrPost{{Title: "x"}})
		err := orm.Insert(ctx, db, a)
		require.ErrorIs(t, err, orm.ErrRelationNotWritten)
		assert.Contains(t, err.Error(), `field "posts" holds 1 wrPost row`)
	})
	t.Run("reverse OneToOne on Insert", func(t *testing.T) {
		a := &wrAuthor{Name: "Cy"}
		a.Bio.Set(&wrBio{Text: "hi"})
		err := orm.Insert(ctx, db, a)
		require.ErrorIs(t, err, orm.ErrRelationNotWritten)
		assert.Contains(t, err.Error(), `field "bio" holds 1 wrBio row`)
	})
	t.Run("loaded and empty is nothing to drop", func(t *testing.T) {
		p := &wrPost{Title: "Empty"}
		p.Author.Set(ann)
		p.Tags.SetLoaded(nil)
		require.NoError(t, orm.Insert(ctx, db, p))
		require.NoError(t, orm.Update(ctx, db, p))
	})
	t.Run("Update refuses rows set in Go", func(t *testing.T) {
		p := &wrPost{Title: "Upd"}
		p.Author.Set(ann)
		require.NoError(t, orm.Insert(ctx, db, p))
		p.Tags.SetLoaded(tags[:1])
		err := orm.Update(ctx, db, p)
		require.ErrorIs(t, err, orm.ErrRelationNotWritten)
		assert.Contains(t, err.Error(), `orm: update wrPost: field "tags" holds 1 wrTag row`)
		// Naming the fields says what to write: the relation is not asked for.
		p.Title = "Upd2"
		require.NoError(t, orm.Update(ctx, db, p, "title"))
	})
	t.Run("Update of rows read with their relations prefetched", func(t *testing.T) {
		mustExec(t, db, "DELETE FROM wr_post_tags")
		var pid int64
		require.NoError(t, db.QueryRow(ctx, "SELECT id FROM wr_post WHERE title = 'Upd2'").Scan(&pid))
		_, err := db.Exec(ctx, "INSERT INTO wr_post_tags VALUES ($1, $2)", pid, tags[0].ID)
		require.NoError(t, err)
		posts, err := queryset.New[wrPost](db).PrefetchRelated("tags").Filter(queryset.Q{"id": pid}).All(ctx)
		require.NoError(t, err)
		require.Len(t, posts, 1)
		posts[0].Title = "read, then updated"
		require.NoError(t, orm.Update(ctx, db, posts[0]), "loaded from the database: nothing is dropped")
		authors, err := queryset.New[wrAuthor](db).PrefetchRelated("posts", "bio").All(ctx)
		require.NoError(t, err)
		for _, a := range authors {
			require.NoError(t, orm.Update(ctx, db, a))
		}
	})
}

// Issue 13 item 5: a relation Set to a row that is not saved yet.
func TestWritesReadTheRelatedKeyAtWriteTime(t *testing.T) {
	ctx := context.Background()
	db, rec := setupBlog(t)

	t.Run("unsaved related row is an error", func(t *testing.T) {
		rec.reset()
		p := &wrPost{Title: "Orphan"}
		p.Author.Set(&wrAuthor{Name: "Unsaved"})
		err := orm.Insert(ctx, db, p)
		require.ErrorIs(t, err, orm.ErrUnsavedRelated)
		assert.Contains(t, err.Error(), `orm: insert wrPost: field "author": the related wrAuthor is not saved (its id is 0)`)
		assert.Empty(t, rec.sqls(), "refused before anything is sent")
		err = orm.BulkInsert(ctx, db, []*wrPost{p})
		require.ErrorIs(t, err, orm.ErrUnsavedRelated)

		q := &wrPost{Title: "nullable"}
		q.Author.Set(&wrAuthor{ID: 1}) // never inserted: the database says so (no row 1)
		q.Editor.Set(&wrAuthor{Name: "Unsaved editor"})
		err = orm.Insert(ctx, db, q)
		require.ErrorIs(t, err, orm.ErrUnsavedRelated)
		assert.Contains(t, err.Error(), `field "editor"`)
	})
	t.Run("saved after Set: its key is read at insert time", func(t *testing.T) {
		a := &wrAuthor{Name: "Later"}
		p := &wrPost{Title: "Set first, insert the author after"}
		p.Author.Set(a)
		require.NoError(t, orm.Insert(ctx, db, a))
		require.NoError(t, orm.Insert(ctx, db, p))
		var authorID int64
		require.NoError(t, db.QueryRow(ctx, "SELECT author_id FROM wr_post WHERE id = $1", p.ID).Scan(&authorID))
		assert.Equal(t, a.ID, authorID)
		assert.Equal(t, a.ID, p.Author.ID(), "the relation's key follows")

		b := &wrAuthor{Name: "Editor"}
		p.Editor.Set(b)
		require.NoError(t, orm.Insert(ctx, db, b))
		require.NoError(t, orm.Update(ctx, db, p))
		var editorID int64
		require.NoError(t, db.QueryRow(ctx, "SELECT editor_id FROM wr_post WHERE id = $1", p.ID).Scan(&editorID))
		assert.Equal(t, b.ID, editorID)
	})
}
