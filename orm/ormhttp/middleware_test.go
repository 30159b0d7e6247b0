package ormhttp_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eagerorm/eager/internal/pgtest"
	. "github.com/eagerorm/eager/internal/testdomain"
	"github.com/eagerorm/eager/orm"
	"github.com/eagerorm/eager/orm/ormhttp"
	"github.com/eagerorm/eager/queryset"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// books lists every book with its author, naively or with SelectRelated.
func books(db *orm.DB) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		qs := queryset.New[Book](db).OrderBy("id")
		if r.URL.Query().Get("fixed") == "1" {
			qs = qs.SelectRelated("author")
		}
		rows, err := qs.All(r.Context())
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		var body bytes.Buffer // render first, as a JSON handler does: headers go out with the first byte
		for _, b := range rows {
			a, _ := b.Author.Get(r.Context())
			fmt.Fprintf(&body, "%s by %s\n", b.Title, a.Name)
		}
		_, _ = w.Write(body.Bytes())
	})
}

// served wraps h so the test can wait until the server's handler (the
// middleware included, which logs after the handler) has returned: the
// client may have the whole response before that.
func served(h http.Handler) (http.Handler, <-chan struct{}) {
	done := make(chan struct{}, 16)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() { done <- struct{}{} }()
		h.ServeHTTP(w, r)
	}), done
}

func wait(t *testing.T, done <-chan struct{}) {
	t.Helper()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the handler did not return")
	}
}

func TestMiddleware(t *testing.T) {
	tdb := pgtest.New(t)
	_, err := tdb.Pool.Exec(context.Background(), SchemaDDL+SeedSQL)
	require.NoError(t, err)
	db := orm.New(tdb.Pool)
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	h, done := served(ormhttp.Middleware(ormhttp.Options{Logger: logger})(books(db)))
	srv := httptest.NewServer(h)
	defer srv.Close()

	res, err := http.Get(srv.URL + "/books")
	require.NoError(t, err)
	res.Body.Close()
	wait(t, done)
	assert.Equal(t, 200, res.StatusCode)
	assert.Equal(t, "5", res.Header.Get("X-Query-Count"), "1 list + 4 lazy authors")
	out := logs.String()
	assert.Contains(t, out, "level=WARN msg=\"N+1 queries\" method=GET path=/books statements=5 repeated=4")
	assert.Contains(t, out, "site=ormhttp/middleware_test.go:")
	assert.Contains(t, out, `fix="add .SelectRelated(\"author\") to the QuerySet[Book]`)

	logs.Reset()
	res, err = http.Get(srv.URL + "/books?fixed=1")
	require.NoError(t, err)
	res.Body.Close()
	wait(t, done)
	assert.Equal(t, "1", res.Header.Get("X-Query-Count"))
	assert.Empty(t, logs.String(), "no warning for the fixed handler")

	// A custom header name; a handler that writes nothing still gets it.
	h = ormhttp.Middleware(ormhttp.Options{Header: "X-SQL", Logger: logger})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = queryset.New[Book](db).Count(r.Context())
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/count", nil))
	assert.Equal(t, "1", rec.Header().Get("X-SQL"))
}

func TestMiddlewareDisabled(t *testing.T) {
	inner := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	h := ormhttp.Middleware(ormhttp.Options{Disabled: true})(inner)
	assert.Equal(t, fmt.Sprintf("%p", inner), fmt.Sprintf("%p", h), "switched off, the handler is returned untouched")
}

// lockedBuffer is a log the server's goroutines write while the test reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) lines() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Split(strings.TrimSpace(l.b.String()), "\n")
}

// TestWarningsAreLimited: under load one N+1 pattern of one route is
// logged once per WarnEvery, and the next warning says how many were left
// out; another route, or the same route after the interval, warns again.
func TestWarningsAreLimited(t *testing.T) {
	tdb := pgtest.New(t)
	_, err := tdb.Pool.Exec(context.Background(), SchemaDDL+SeedSQL)
	require.NoError(t, err)
	db := orm.New(tdb.Pool)
	var logs lockedBuffer
	var mu sync.Mutex
	clock := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	mux := http.NewServeMux()
	mux.Handle("GET /books", books(db))
	mux.Handle("GET /books/{shelf}", books(db))
	o := ormhttp.WithClock(ormhttp.Options{Logger: slog.New(slog.NewTextHandler(&logs, nil)), WarnEvery: time.Minute}, now)
	h := ormhttp.Middleware(o)(mux)
	get := func(path string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		require.Equal(t, 200, rec.Code)
		require.Equal(t, "5", rec.Header().Get("X-Query-Count"), "the count is never limited")
	}

	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() { defer wg.Done(); get("/books") }()
	}
	wg.Wait()
	for i := range 3 {
		get(fmt.Sprintf("/books/%d", i)) // one route, whatever the shelf
	}
	lines := logs.lines()
	require.Len(t, lines, 2, "one warning per route and pattern: %q", lines)
	assert.Contains(t, lines[0], `route="GET /books"`)
	assert.NotContains(t, lines[0], "suppressed")
	assert.Contains(t, lines[1], `route="GET /books/{shelf}"`)

	mu.Lock()
	clock = clock.Add(time.Minute)
	mu.Unlock()
	get("/books")
	lines = logs.lines()
	require.Len(t, lines, 3)
	assert.Contains(t, lines[2], "path=/books statements=5 repeated=4")
	assert.Contains(t, lines[2], "suppressed=7", "the 7 left out since the first")
	get("/books")
	assert.Len(t, logs.lines(), 3, "a new interval began with that warning")

	// A negative WarnEvery logs every request's patterns.
	var all lockedBuffer
	every := ormhttp.Middleware(ormhttp.Options{Logger: slog.New(slog.NewTextHandler(&all, nil)), WarnEvery: -1})(books(db))
	for range 3 {
		every.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/books", nil))
	}
	assert.Len(t, all.lines(), 3)
}
