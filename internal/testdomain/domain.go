package testdomain

import (
	"time"

	"github.com/eagerorm/eager/relations"
)

// The test domain follows the examples of SEMANTICS.md: authors write books,
// books have an optional publisher (with an optional country), a nullable
// rating, tags (many-to-many) and reviews (reverse foreign key).

type Country struct {
	ID   int64  `db:"id" orm:"pk"`
	Name string `db:"name"`
}

type Publisher struct {
	ID      int64                         `db:"id" orm:"pk"`
	Name    string                        `db:"name"`
	Country relations.ForeignKey[Country] `db:"country_id" orm:"null"`
}

type Author struct {
	ID           int64                        `db:"id" orm:"pk"`
	Name         string                       `db:"name"`
	Email        *string                      `db:"email"`
	Mentor       relations.ForeignKey[Author] `db:"mentor_id" orm:"null"` // self-referential
	Books        relations.Many[Book]         `orm:"reverse:Author"`
	Mentees      relations.Many[Author]       `orm:"reverse:Mentor"`
	Profile      relations.OneToOne[Profile]  `orm:"reverse:Author"` // reverse one-to-one
	Awards       relations.ManyToMany[Award]  `orm:"through:author_awards,from:author_id,to:award_id"`
	Translations relations.Many[Book]         `orm:"reverse:Translator"`
}

// Profile is the forward side of a one-to-one.
type Profile struct {
	ID     int64                      `db:"id" orm:"pk"`
	Author relations.OneToOne[Author] `db:"author_id"`
	Bio    string                     `db:"bio"`
}

// Award is reached through an explicit join model with an extra column.
type Award struct {
	ID      int64                        `db:"id" orm:"pk"`
	Name    string                       `db:"name"`
	Authors relations.ManyToMany[Author] `orm:"through:author_awards,from:award_id,to:author_id"`
}

// AuthorAward is the join table of Author.Awards as a model of its own.
type AuthorAward struct {
	ID     int64                        `db:"id" orm:"pk"`
	Author relations.ForeignKey[Author] `db:"author_id"`
	Award  relations.ForeignKey[Award]  `db:"award_id"`
	Year   int32                        `db:"year"`
}

func (AuthorAward) TableName() string { return "author_awards" }

type Book struct {
	ID        int64                           `db:"id" orm:"pk"`
	Title     string                          `db:"title"`
	Pages     int32                           `db:"pages"`
	Rating    *int32                          `db:"rating"`
	Price     string                          `db:"price" orm:"type:numeric(8,2)"`
	Published time.Time                       `db:"published"`
	Genre     string                          `db:"genre" orm:"type:genre"`
	Author    relations.ForeignKey[Author]    `db:"author_id"`
	Publisher relations.ForeignKey[Publisher] `db:"publisher_id" orm:"null"`
	// Translator is a second foreign key to the same table as Author.
	Translator relations.ForeignKey[Author] `db:"translator_id" orm:"null"`
	Tags       relations.ManyToMany[Tag]    `orm:"through:book_tags,from:book_id,to:tag_id"`
	Reviews    relations.Many[Review]       `orm:"reverse:Book"`
}

type Tag struct {
	ID    int64                      `db:"id" orm:"pk"`
	Name  string                     `db:"name"`
	Books relations.ManyToMany[Book] `orm:"through:book_tags,from:tag_id,to:book_id"` // the same join table from the other side
}

type Review struct {
	ID     int64                      `db:"id" orm:"pk"`
	Book   relations.ForeignKey[Book] `db:"book_id"`
	Stars  int16                      `db:"stars"`
	Body   string                     `db:"body"`
	Posted time.Time                  `db:"posted"`
}

// SchemaDDL creates the tables of the domain in the current schema.
const SchemaDDL = `
CREATE TYPE genre AS ENUM ('novel', 'poetry', 'essay');
CREATE TABLE country (id bigint PRIMARY KEY, name text NOT NULL);
CREATE TABLE publisher (id bigint PRIMARY KEY, name text NOT NULL, country_id bigint REFERENCES country);
CREATE TABLE author (id bigint PRIMARY KEY, name text NOT NULL, email text, mentor_id bigint REFERENCES author);
CREATE TABLE profile (id bigint PRIMARY KEY, author_id bigint NOT NULL UNIQUE REFERENCES author, bio text NOT NULL);
CREATE TABLE award (id bigint PRIMARY KEY, name text NOT NULL);
CREATE TABLE author_awards (id bigint PRIMARY KEY, author_id bigint NOT NULL REFERENCES author,
	award_id bigint NOT NULL REFERENCES award, year integer NOT NULL);
CREATE TABLE book (
	id bigint PRIMARY KEY, title text NOT NULL, pages integer NOT NULL, rating integer,
	price numeric(8,2) NOT NULL, published timestamptz NOT NULL, genre genre NOT NULL,
	author_id bigint NOT NULL REFERENCES author, publisher_id bigint REFERENCES publisher,
	translator_id bigint REFERENCES author);
CREATE TABLE tag (id bigint PRIMARY KEY, name text NOT NULL);
CREATE TABLE book_tags (book_id bigint NOT NULL REFERENCES book, tag_id bigint NOT NULL REFERENCES tag,
	PRIMARY KEY (book_id, tag_id));
CREATE TABLE review (id bigint PRIMARY KEY, book_id bigint NOT NULL REFERENCES book, stars smallint NOT NULL,
	body text NOT NULL, posted timestamptz NOT NULL);
`

// The seed: small enough to reason about in every assertion.
//
//	countries: 1 France
//	publishers: 1 P1 (France), 2 P2 (no country)
//	authors: 1 Ann (ann@a.com), 2 Bob (no email, mentor Ann), 3 Cy (cy@c.org, no books, mentor Bob)
//	profiles: Ann "writes novels", Bob "writes essays"; Cy has none
//	awards: Hugo (Ann 2001, Bob 2010), Nebula (Ann 2003)
//	books:
//	  id title        pages rating price  published    genre   author publisher tags          reviews (stars)
//	  1  Alpha        100   5      10.00  2005-03-01   novel   Ann    P1        red, blue     5, 1
//	  2  Beta         250   NULL   25.50  2005-12-31   poetry  Ann    P2        red           3        (translated by Cy)
//	  3  Gamma 50%_   300   3      7.25   2010-06-15   novel   Bob    NULL      (none)        (none)
//	  4  delta        50    1      99.99  2020-01-01   essay   Bob    P1        blue          4, 4
//
// SeedSQL fills them.
const SeedSQL = `
INSERT INTO country VALUES (1, 'France');
INSERT INTO publisher VALUES (1, 'P1', 1), (2, 'P2', NULL);
INSERT INTO author VALUES (1, 'Ann', 'ann@a.com', NULL), (2, 'Bob', NULL, 1), (3, 'Cy', 'cy@c.org', 2);
INSERT INTO profile VALUES (1, 1, 'writes novels'), (2, 2, 'writes essays');
INSERT INTO award VALUES (1, 'Hugo'), (2, 'Nebula');
INSERT INTO author_awards VALUES (1, 1, 1, 2001), (2, 1, 2, 2003), (3, 2, 1, 2010);
INSERT INTO book VALUES
	(1, 'Alpha', 100, 5, 10.00, '2005-03-01 12:00+00', 'novel', 1, 1, NULL),
	(2, 'Beta', 250, NULL, 25.50, '2005-12-31 12:00+00', 'poetry', 1, 2, 3),
	(3, 'Gamma 50%_', 300, 3, 7.25, '2010-06-15 12:00+00', 'novel', 2, NULL, NULL),
	(4, 'delta', 50, 1, 99.99, '2020-01-01 12:00+00', 'essay', 2, 1, NULL);
INSERT INTO tag VALUES (1, 'red'), (2, 'blue'), (3, 'unused');
INSERT INTO book_tags VALUES (1, 1), (1, 2), (2, 1), (4, 2);
INSERT INTO review VALUES
	(1, 1, 5, 'great', '2006-01-01 00:00+00'), (2, 1, 1, 'awful', '2007-01-01 00:00+00'),
	(3, 2, 3, 'ok', '2006-06-01 00:00+00'),
	(4, 4, 4, 'good', '2021-01-01 00:00+00'), (5, 4, 4, 'fine', '2021-02-01 00:00+00');
`
