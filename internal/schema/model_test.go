package schema_test

import (
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eagerorm/eager/internal/schema"
	"github.com/eagerorm/eager/relations"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type Timestamps struct {
	CreatedAt time.Time `orm:"default:now()"`
	UpdatedAt *time.Time
}

type Author struct {
	ID    int64                   `db:"id" orm:"pk"`
	Name  string                  `orm:"index"`
	Email string                  `orm:"unique"`
	Books relations.Many[Book]    `orm:"reverse:Author"`
	Bio   relations.OneToOne[Bio] `orm:"reverse:Author"`
	Timestamps
	secret string //lint:ignore U1000 an unexported field, to show it is not mapped
	Skip   string `db:"-"`
}

type Book struct {
	ID     int64                        `orm:"pk"`
	Title  string                       `db:"book_title"`
	Author relations.ForeignKey[Author] `db:"author_id" orm:"on_delete:cascade"`
	Editor relations.ForeignKey[Author] `orm:"null"`
	Tags   relations.ManyToMany[Tag]    `orm:"through:book_tags"`
	Parent relations.ForeignKey[Book]   `orm:"null"` // self-referential
}

func (Book) TableName() string { return "books" }

type Bio struct {
	ID     int64                      `orm:"pk"`
	Author relations.OneToOne[Author] `db:"author_id"`
}

type Tag struct {
	ID    string                     `orm:"pk,type:varchar(40)"`
	Books relations.ManyToMany[Book] `orm:"through:book_tags,from:tag_id,to:book_id"`
}

func TestModelMetadata(t *testing.T) {
	m, err := schema.For[Author]()
	require.NoError(t, err)
	assert.Equal(t, "author", m.Table)
	assert.Equal(t, "Author", m.Name)
	var cols []string
	for _, f := range m.Columns {
		cols = append(cols, f.Column)
	}
	assert.Equal(t, []string{"id", "name", "email", "created_at", "updated_at"}, cols)
	assert.True(t, m.PK.Auto, "an int64 pk is an identity")
	name, _ := m.FieldByName("name")
	assert.True(t, name.Indexed)
	email, _ := m.FieldByName("Email") // Go name works too
	assert.True(t, email.Unique)
	created, _ := m.FieldByName("created_at")
	assert.True(t, created.HasDefault)
	assert.Equal(t, "now()", created.Default)
	assert.Equal(t, schema.KindTime, created.Kind)
	upd, _ := m.FieldByName("updated_at")
	assert.True(t, upd.Nullable)
	pk, ok := m.FieldByName("pk")
	require.True(t, ok)
	assert.Equal(t, "id", pk.Column)
	_, ok = m.FieldByName("secret")
	assert.False(t, ok)
	_, ok = m.FieldByName("skip")
	assert.False(t, ok)

	books, _ := m.FieldByName("books")
	require.NotNil(t, books.Rel)
	assert.Equal(t, schema.Many, books.Rel.Kind)
	assert.Equal(t, "author_id", books.Rel.Remote.Column)
	assert.Equal(t, "", books.Column)
	bio, _ := m.FieldByName("bio")
	assert.Equal(t, schema.ReverseOneToOne, bio.Rel.Kind)

	b, err := schema.For[Book]()
	require.NoError(t, err)
	assert.Equal(t, "books", b.Table)
	author, _ := b.FieldByName("author")
	assert.Equal(t, "author_id", author.Column)
	assert.Equal(t, "CASCADE", author.Rel.OnDelete)
	assert.Equal(t, schema.KindInt, author.Kind)
	assert.Equal(t, "bigint", author.SQLType)
	assert.False(t, author.Nullable)
	editor, _ := b.FieldByName("editor")
	assert.Equal(t, "editor_id", editor.Column)
	assert.True(t, editor.Nullable)
	title, _ := b.FieldByName("title")
	assert.Equal(t, "book_title", title.Column)
	tags, _ := b.FieldByName("tags")
	assert.Equal(t, []schema.Hop{{"books", "id", "book_tags", "books_id"}, {"book_tags", "tag_id", "tag", "id"}}, tags.Rel.Hops,
		"through:book_tags, from: defaults to <table>_id, to: to <target table>_id")
	parent, _ := b.FieldByName("parent")
	assert.Same(t, b, parent.Rel.Target)

	tg, err := schema.For[Tag]()
	require.NoError(t, err)
	assert.Equal(t, "varchar(40)", tg.PK.SQLType)
	assert.False(t, tg.PK.Auto)
	bioM, _ := schema.For[Bio]()
	a, _ := bioM.FieldByName("author")
	assert.True(t, a.Unique, "a OneToOne key is unique")
}

// Each relation's link is its hops, with the fields at both ends, the
// relation a load fills back, and whether following it can find no row.
func TestRelationHops(t *testing.T) {
	a, err := schema.For[Author]()
	require.NoError(t, err)
	b, err := schema.For[Book]()
	require.NoError(t, err)
	bio, err := schema.For[Bio]()
	require.NoError(t, err)
	tag, err := schema.For[Tag]()
	require.NoError(t, err)
	field := func(m *schema.Model, name string) *schema.Field {
		t.Helper()
		f, ok := m.FieldByName(name)
		require.True(t, ok, name)
		return f
	}
	for _, c := range []struct {
		f        *schema.Field
		hops     []schema.Hop
		from, to *schema.Field
		back     *schema.Field
		optional bool
	}{
		{field(b, "author"), []schema.Hop{{"books", "author_id", "author", "id"}}, field(b, "author"), a.PK, nil, false},
		{field(b, "editor"), []schema.Hop{{"books", "editor_id", "author", "id"}}, field(b, "editor"), a.PK, nil, true},
		{field(b, "parent"), []schema.Hop{{"books", "parent_id", "books", "id"}}, field(b, "parent"), b.PK, nil, true},
		{field(a, "books"), []schema.Hop{{"author", "id", "books", "author_id"}}, a.PK, field(b, "author"), field(b, "author"), true},
		{field(bio, "author"), []schema.Hop{{"bio", "author_id", "author", "id"}}, field(bio, "author"), a.PK, field(a, "bio"), false},
		{field(a, "bio"), []schema.Hop{{"author", "id", "bio", "author_id"}}, a.PK, field(bio, "author"), field(bio, "author"), true},
		{field(b, "tags"), []schema.Hop{{"books", "id", "book_tags", "books_id"}, {"book_tags", "tag_id", "tag", "id"}}, b.PK, tag.PK, nil, true},
		{field(tag, "books"), []schema.Hop{{"tag", "id", "book_tags", "tag_id"}, {"book_tags", "book_id", "books", "id"}}, tag.PK, b.PK, nil, true},
	} {
		r := c.f.Rel
		assert.Equal(t, c.hops, r.Hops, "%s hops", c.f)
		assert.Same(t, c.from, r.From, "%s From", c.f)
		assert.Same(t, c.to, r.To, "%s To", c.f)
		assert.Same(t, c.back, r.Back, "%s Back", c.f)
		assert.Equal(t, c.optional, r.Optional(), "%s Optional", c.f)
	}
}

func TestOfPointerAndCache(t *testing.T) {
	a, err := schema.Of(reflect.TypeFor[*Author]())
	require.NoError(t, err)
	b, err := schema.For[Author]()
	require.NoError(t, err)
	assert.Same(t, a, b)
}

func TestConcurrentMetadata(t *testing.T) {
	// cycB is built by these goroutines first (no other test touches it before
	// this one in file order), so -race sees the build race with the reads.
	var wg sync.WaitGroup
	results := make([]*schema.Model, 64)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m, err := schema.For[cycB]()
			if err != nil {
				t.Error(err)
				return
			}
			f, _ := m.FieldByName("a")
			_ = f.Rel.Target.Table
			results[i] = m
		}()
	}
	wg.Wait()
	for _, m := range results {
		assert.Same(t, results[0], m)
	}
}

type cycA struct {
	ID int64 `orm:"pk"`
	Bs relations.Many[cycB]
}

type cycB struct {
	ID int64 `orm:"pk"`
	A  relations.ForeignKey[cycA]
}

func TestCyclicRelations(t *testing.T) {
	a, err := schema.For[cycA]()
	require.NoError(t, err)
	bs, _ := a.FieldByName("bs")
	assert.Equal(t, "a_id", bs.Rel.Remote.Column, "reverse found without a tag when there is one candidate")
	b, _ := schema.For[cycB]()
	assert.Same(t, a, b.Relations[0].Rel.Target)
}

// Bad models: each is one error naming the type and the field.
type noPK struct{ Name string }
type dupColumn struct {
	ID int64  `orm:"pk"`
	A  string `db:"x"`
	B  string `db:"x"`
}
type unsupported struct {
	ID int64 `orm:"pk"`
	Ch chan int
}
type unknownOption struct {
	ID   int64  `orm:"pk"`
	Name string `orm:"uniq"`
}
type notAModel struct{ X int }
type relToNonModel struct {
	ID int64 `orm:"pk"`
	N  relations.ForeignKey[notAModel]
}
type relToScalar struct {
	ID int64 `orm:"pk"`
	N  relations.ForeignKey[int]
}
type nullOnString struct {
	ID   int64  `orm:"pk"`
	Name string `orm:"null"`
}
type embeddedPtr struct {
	ID int64 `orm:"pk"`
	*Timestamps
}
type badReverse struct {
	ID    int64                `orm:"pk"`
	Books relations.Many[Book] `orm:"reverse:Title"`
}
type ambiguousReverse struct {
	ID    int64 `orm:"pk"`
	Books relations.Many[twoFKs]
}
type twoFKs struct {
	ID int64 `orm:"pk"`
	X  relations.ForeignKey[ambiguousReverse]
	Y  relations.ForeignKey[ambiguousReverse]
}
type optionOnWrongKind struct {
	ID    int64  `orm:"pk"`
	Title string `orm:"reverse:X"`
}
type selfM2MDefaults struct {
	ID      int64 `orm:"pk"`
	Friends relations.ManyToMany[selfM2MDefaults]
}
type badOnDelete struct {
	ID int64                        `orm:"pk"`
	A  relations.ForeignKey[Author] `orm:"on_delete:explode"`
}
type customScannerNoType struct {
	ID  int64 `orm:"pk"`
	Val scanner
}
type scanner struct{ v string } //lint:ignore U1000 a field of a custom type the model test needs

func (s *scanner) Scan(src any) error { return nil }

// An apostrophe in through: once swallowed the from: and to: options after
// it (the quote ran to the end of the tag); quotes and parentheses in a name
// are an error now, and so is a quote or parenthesis left open.
type quoteInThrough struct {
	ID   int64                        `orm:"pk"`
	Tags relations.ManyToMany[Author] `orm:"through:o'brien_tags,from:post_id,to:tag_id"`
}
type quotedThrough struct {
	ID   int64                        `orm:"pk"`
	Tags relations.ManyToMany[Author] `orm:"through:'tags',from:post_id,to:tag_id"`
}
type openParen struct {
	ID    int64  `orm:"pk"`
	Price string `orm:"type:numeric(10,null"`
}
type closeParen struct {
	ID    int64  `orm:"pk"`
	Price string `orm:"type:numeric10),null"`
}

// An unexported field cannot be read or set by the mapper: a db or orm tag
// on one was once silently ignored.
type unexportedTagged struct {
	ID    int64  `orm:"pk"`
	email string `db:"email"` //lint:ignore U1000 the model test needs an unexported tagged field
}
type unexportedRelation struct {
	ID     int64                        `orm:"pk"`
	author relations.ForeignKey[Author] `orm:"null"` //lint:ignore U1000 likewise
}

// A pointer to a relation field once panicked while its model was built
// (the metadata called a method on a nil pointer); it is an error now,
// never a column.
type pointerRelation struct {
	ID     int64                         `orm:"pk"`
	Author *relations.ForeignKey[Author] `db:"author_id"`
}

func TestBadModels(t *testing.T) {
	cases := []struct {
		typ          reflect.Type
		model, field string
		msg          string
	}{
		{reflect.TypeFor[noPK](), "noPK", "", "no primary key"},
		{reflect.TypeFor[pointerRelation](), "pointerRelation", "Author", "a relation field is a value, not a pointer"},
		{reflect.TypeFor[dupColumn](), "dupColumn", "B", `duplicate column "x"`},
		{reflect.TypeFor[unsupported](), "unsupported", "Ch", "unsupported type chan int"},
		{reflect.TypeFor[unknownOption](), "unknownOption", "Name", `unknown orm tag option "uniq"`},
		{reflect.TypeFor[relToNonModel](), "relToNonModel", "N", "relation target notAModel is not a valid model"},
		{reflect.TypeFor[relToScalar](), "relToScalar", "N", "not a model struct"},
		{reflect.TypeFor[nullOnString](), "nullOnString", "Name", "cannot hold NULL"},
		{reflect.TypeFor[embeddedPtr](), "embeddedPtr", "Timestamps", "embedded pointer"},
		{reflect.TypeFor[badReverse](), "badReverse", "Books", "reverse:Title: Book.Title is not a ForeignKey to badReverse"},
		{reflect.TypeFor[ambiguousReverse](), "ambiguousReverse", "Books", "several ForeignKeys"},
		{reflect.TypeFor[optionOnWrongKind](), "optionOnWrongKind", "Title", `"reverse" does not apply to a column`},
		{reflect.TypeFor[selfM2MDefaults](), "selfM2MDefaults", "Friends", "name them with from: and to:"},
		{reflect.TypeFor[badOnDelete](), "badOnDelete", "A", "on_delete:explode"},
		{reflect.TypeFor[customScannerNoType](), "customScannerNoType", "Val", `orm:"type:...`},
		{reflect.TypeFor[int](), "int", "", "must be a struct"},
		{reflect.TypeFor[quoteInThrough](), "quoteInThrough", "Tags", "unterminated quote"},
		{reflect.TypeFor[quotedThrough](), "quotedThrough", "Tags", `through:'tags': a table or column name cannot contain`},
		{reflect.TypeFor[openParen](), "openParen", "Price", "unclosed parenthesis"},
		{reflect.TypeFor[closeParen](), "closeParen", "Price", "unbalanced parenthesis"},
		{reflect.TypeFor[unexportedTagged](), "unexportedTagged", "email", "unexported field with a db tag"},
		{reflect.TypeFor[unexportedRelation](), "unexportedRelation", "author", "unexported field with an orm tag"},
	}
	for _, c := range cases {
		t.Run(c.model, func(t *testing.T) {
			m, err := schema.Of(c.typ)
			require.Error(t, err)
			assert.Nil(t, m)
			var me *schema.ModelError
			require.True(t, errors.As(err, &me), "want *schema.ModelError, got %T", err)
			assert.Equal(t, c.model, me.Model)
			assert.Equal(t, c.field, me.Field)
			assert.Contains(t, err.Error(), c.msg)
			assert.True(t, strings.HasPrefix(err.Error(), "orm: model "+c.model), err.Error())
			// Cached: the second call gives the same error, still no panic.
			_, err2 := schema.Of(c.typ)
			assert.Equal(t, err.Error(), err2.Error())
		})
	}
}
