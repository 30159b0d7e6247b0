// Package doccheck checks the Go code in the project's markdown: every
// ```go block in README.md and in docs/ (any .md file, any depth) must
// compile; a Go block followed by a ```sql block must send exactly the
// statements that block shows, and one followed by an ```output block
// (after its sql block, if any) must print exactly that. TestDocs
// (go test ./internal/doccheck, about two seconds) runs the check;
// go test ./internal/doccheck -update rewrites the sql and output blocks
// and where-table cells from what the code really does (review the diff).
// TestLineReferences checks the lines of code the docs quote
// (file.go:NN), and TestGoVersion that the Go version the docs ask for is
// go.mod's.
//
// # How a snippet is compiled
//
// Each doc becomes a Go package of its own (generated under a temporary
// _gen directory of this package, which ./... skips). In a ```go block:
//
//   - Declarations at the top level (type, func, method; var and const
//     when the block has nothing else) go to package level, where every
//     block of the same doc sees them, whatever their order. Declaring a
//     name again later in the doc replaces the earlier declaration from
//     there on (the rest of the doc is compiled as a separate package).
//   - Everything else is a fragment: the statements are placed, in order,
//     inside a function body with ctx context.Context and db *orm.DB in
//     scope, returning error (so "return err" works). Fragments do not see
//     each other's variables; put what they share in a hidden block.
//     Variables a fragment declares but does not use are fine.
//   - Imports are not needed: the standard library's common packages,
//     pgx, pgxpool, pgconn, pgtype, testify, and every package of this
//     module (orm, queryset, relations, migrate, ormtest, ...) are imported
//     by name when used. A block may still have import lines (and a
//     package clause, which is ignored).
//   - "..." standing for left-out code is ignored: "{ ... }", "f(...)",
//     "[]int{1, 2, ...}" or a line of its own. A variadic "args..." is Go.
//   - Errors are reported at the doc's own lines (docs/x.md:42:7: ...).
//
// # Directives (HTML comments, invisible on GitHub)
//
//   - <!-- doccheck: skip --> on the line before a ```go block: the block
//     is not compiled (code of another library, deliberately wrong code,
//     pseudo-code). Use it sparingly; a plain ``` or ```text fence is not
//     checked either.
//   - A hidden block: a line "<!-- doccheck", Go code, a line "-->". It is
//     compiled with the doc but not shown: the declarations a doc's
//     snippets assume (var order *Order, func renderOrders(...)).
//   - func setup(ctx context.Context, db *orm.DB) error, declared in a doc
//     (usually in a hidden block, before the first sql block), creates and
//     fills the tables that doc's checked blocks run against. It runs in an
//     empty schema of its own before the doc's first checked block, and
//     again after any checked block that sent something other than a
//     SELECT, so it must drop what it creates first.
//   - A lines block: a line "<!-- doccheck: lines", then one entry per
//     line of code the doc quotes as file.go:NN (a capture report's call
//     site, a panic's line), "nplusone/main.go:75 o.Customer.Get(ctx)":
//     the quoted path (a path of the repository, or its last elements
//     when they name one file), the line number and text that line holds,
//     then a line "-->". Every file.go:NN in the doc needs an entry, and
//     each entry's line must hold its text (TestLineReferences); when the
//     code moves, -update renumbers the quotes whose text now stands on
//     exactly one other line.
//   - <!-- doccheck: where Book --> on the line before a table: in each row
//     after the header, the second cell is a Go expression (a
//     queryset.Node such as queryset.Q{"title": "Alpha"}), the third cell
//     the SQL that queryset.New[Book](db).Filter(<expr>) produces after
//     its FROM clause, the fourth its arguments. No database is needed.
//
// # How sql and output blocks are compared
//
// A Go block with a sql or output block runs (as a fragment, with the
// doc's db) against the doc's schema; every statement it sends through the
// DB's hooks is recorded (BEGIN/COMMIT aside), in the order sent, and what
// it prints to os.Stdout is captured. The sql block shows the statements
// each ended by ";", each followed by its arguments as SQL literals on a
// comment line (-- $1 = 'Ann', $2 = 4); statements sent in one round trip
// are announced by a comment line; "-- no statement is sent" when there is
// none. Whitespace is not significant, and a run of four or more columns
// of one table ("book"."id", "book"."title", ...) may be written "book".…
// (the generated text always abbreviates it so). An output block is
// compared line by line, trailing spaces aside. A Go block that returns an
// error or panics fails the check.
package doccheck
