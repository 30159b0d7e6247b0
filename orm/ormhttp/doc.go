// Package ormhttp is a net/http middleware that counts the statements each
// request runs, reports the count in a response header, and logs a warning
// when a request runs an N+1 pattern:
//
//	handler = ormhttp.Middleware(ormhttp.Options{})(handler)
//
// Handlers must run their queries with the request's context
// (r.Context()), which carries the capture.
package ormhttp
