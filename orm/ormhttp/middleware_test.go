package ormhttp_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

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

func TestMiddleware(t *testing.T) {
	tdb := pgtest.New(t)
	_, err := tdb.Pool.Exec(context.Background(), SchemaDDL+SeedSQL)
	require.NoError(t, err)
	db := orm.New(tdb.Pool)
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	srv := httptest.NewServer(ormhttp.Middleware(ormhttp.Options{Logger: logger})(books(db)))
	defer srv.Close()

	res, err := http.Get(srv.URL + "/books")
	require.NoError(t, err)
	res.Body.Close()
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
	assert.Equal(t, "1", res.Header.Get("X-Query-Count"))
	assert.Empty(t, logs.String(), "no warning for the fixed handler")

	// A custom header name; a handler that writes nothing still gets it.
	h := ormhttp.Middleware(ormhttp.Options{Header: "X-SQL", Logger: logger})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
