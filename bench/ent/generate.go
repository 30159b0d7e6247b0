// Package ent is ent's generated client for the benchmark schema. The
// schema is in ./schema; regenerate after changing it with
//
//	go generate ./ent
package ent

//go:generate go run entgo.io/ent/cmd/ent generate ./schema
