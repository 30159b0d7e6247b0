package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/eagerorm/eager/examples/internal/shop"
	"github.com/eagerorm/eager/orm/ormtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) { ormtest.Main(m) }

func TestOrdersHeaderAndWarning(t *testing.T) {
	ctx := context.Background()
	db := ormtest.NewDB(t)
	require.NoError(t, shop.Setup(ctx, db, 500))
	var logs bytes.Buffer
	// The middleware logs when the handler returns, which can be after the
	// client has read the whole response: the test waits for the handler
	// before it reads the log (the handler's send happens after its log
	// write, and the receive before the read).
	h := handler(db, slog.New(slog.NewTextHandler(&logs, nil)))
	done := make(chan struct{}, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() { done <- struct{}{} }()
		h.ServeHTTP(w, r)
	}))
	defer srv.Close()

	get := func(path string) (*http.Response, []orderJSON) {
		res, err := http.Get(srv.URL + path)
		require.NoError(t, err)
		defer res.Body.Close()
		var body []orderJSON
		require.NoError(t, json.NewDecoder(res.Body).Decode(&body))
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Fatal("the handler did not return")
		}
		return res, body
	}
	res, naive := get("/orders")
	assert.Equal(t, "501", res.Header.Get("X-Query-Count"))
	assert.Len(t, naive, 500)
	assert.Contains(t, logs.String(), `msg="N+1 queries" method=GET path=/orders statements=501 repeated=500`)
	assert.Contains(t, logs.String(), "site=service/main.go:")

	logs.Reset()
	res, fixed := get("/orders?fixed=1")
	assert.Equal(t, "1", res.Header.Get("X-Query-Count"))
	assert.Equal(t, naive, fixed, "the same answer")
	assert.Empty(t, logs.String())
}

// TestCustomersStream: the Iter + PrefetchRelated endpoint streams every
// customer with its orders' count and total. The count header holds the
// statements completed before the first byte: a few (reading the first
// chunk, its prefetch), never one per customer.
func TestCustomersStream(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db := ormtest.NewDB(t)
	require.NoError(t, shop.Setup(ctx, db, 500))
	var logs bytes.Buffer
	h := handler(db, slog.New(slog.NewTextHandler(&logs, nil)))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/customers/stream", nil).WithContext(ctx))
	require.Equal(t, 200, rec.Code, rec.Body.String())
	assert.Equal(t, "application/x-ndjson", rec.Header().Get("Content-Type"))
	n, err := strconv.Atoi(rec.Header().Get("X-Query-Count"))
	require.NoError(t, err)
	assert.True(t, n >= 1 && n <= 4, "%d statements before the first customer", n)
	dec := json.NewDecoder(rec.Body)
	var got []customerJSON
	for dec.More() {
		var c customerJSON
		require.NoError(t, dec.Decode(&c))
		got = append(got, c)
	}
	require.Len(t, got, 100)
	orders, total := 0, 0.0
	for i, c := range got {
		require.Equal(t, int64(i+1), c.ID, "in id order")
		orders += c.Orders
		total += c.Total
	}
	assert.Equal(t, 500, orders)
	var want float64
	require.NoError(t, db.QueryRow(ctx, "SELECT sum(total)::float8 FROM orders").Scan(&want))
	assert.InDelta(t, want, total, 0.001)
	assert.NotContains(t, logs.String(), "level=ERROR")
}

func TestGracefulShutdown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	started, release := make(chan struct{}), make(chan struct{})
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		w.Write([]byte("done"))
	})
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- serve(ctx, ln, slow) }()

	got := make(chan string, 1)
	go func() {
		res, err := http.Get("http://" + ln.Addr().String())
		if err != nil {
			got <- err.Error()
			return
		}
		defer res.Body.Close()
		var b bytes.Buffer
		b.ReadFrom(res.Body)
		got <- b.String()
	}()
	<-started
	cancel() // as SIGINT does
	select {
	case err := <-served:
		t.Fatalf("serve returned before the in-flight request finished: %v", err)
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	assert.Equal(t, "done", <-got, "the in-flight request completes")
	assert.NoError(t, <-served)
}
