// Package testdomain is the model domain eager's own tests share: authors,
// books, publishers, countries, tags and reviews, with every relation kind
// and the NULL cases SEMANTICS.md talks about, plus its DDL and a small seed
// that assertions can reason about.
package testdomain
