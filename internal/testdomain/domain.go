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
	ID    int64                `db:"id" orm:"pk"`
	Name  string               `db:"name"`
	Email *string              `db:"email"`
	Books relations.Many[Book] `orm:"reverse:Author"`
}

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
	Tags      relations.ManyToMany[Tag]       `orm:"through:book_tags,from:book_id,to:tag_id"`
	Reviews   relations.Many[Review]          `orm:"reverse:Book"`
}

type Tag struct {
	ID   int64  `db:"id" orm:"pk"`
	Name string `db:"name"`
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
CREATE TABLE author (id bigint PRIMARY KEY, name text NOT NULL, email text);
CREATE TABLE book (
	id bigint PRIMARY KEY, title text NOT NULL, pages integer NOT NULL, rating integer,
	price numeric(8,2) NOT NULL, published timestamptz NOT NULL, genre genre NOT NULL,
	author_id bigint NOT NULL REFERENCES author, publisher_id bigint REFERENCES publisher);
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
//	authors: 1 Ann (ann@a.com), 2 Bob (no email), 3 Cy (cy@c.org, no books)
//	books:
//	  id title        pages rating price  published    genre   author publisher tags          reviews (stars)
//	  1  Alpha        100   5      10.00  2005-03-01   novel   Ann    P1        red, blue     5, 1
//	  2  Beta         250   NULL   25.50  2005-12-31   poetry  Ann    P2        red           3
//	  3  Gamma 50%_   300   3      7.25   2010-06-15   novel   Bob    NULL      (none)        (none)
//	  4  delta        50    1      99.99  2020-01-01   essay   Bob    P1        blue          4, 4
//
// SeedSQL fills them.
const SeedSQL = `
INSERT INTO country VALUES (1, 'France');
INSERT INTO publisher VALUES (1, 'P1', 1), (2, 'P2', NULL);
INSERT INTO author VALUES (1, 'Ann', 'ann@a.com'), (2, 'Bob', NULL), (3, 'Cy', 'cy@c.org');
INSERT INTO book VALUES
	(1, 'Alpha', 100, 5, 10.00, '2005-03-01 12:00+00', 'novel', 1, 1),
	(2, 'Beta', 250, NULL, 25.50, '2005-12-31 12:00+00', 'poetry', 1, 2),
	(3, 'Gamma 50%_', 300, 3, 7.25, '2010-06-15 12:00+00', 'novel', 2, NULL),
	(4, 'delta', 50, 1, 99.99, '2020-01-01 12:00+00', 'essay', 2, 1);
INSERT INTO tag VALUES (1, 'red'), (2, 'blue'), (3, 'unused');
INSERT INTO book_tags VALUES (1, 1), (1, 2), (2, 1), (4, 2);
INSERT INTO review VALUES
	(1, 1, 5, 'great', '2006-01-01 00:00+00'), (2, 1, 1, 'awful', '2007-01-01 00:00+00'),
	(3, 2, 3, 'ok', '2006-06-01 00:00+00'),
	(4, 4, 4, 'good', '2021-01-01 00:00+00'), (5, 4, 4, 'fine', '2021-02-01 00:00+00');
`
