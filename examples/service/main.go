// Command service is a small JSON service over the nplusone tutorial's
// orders, with eager's query-count middleware:
//
//	go run ./examples/service [-addr :8080] [-orders 500] [-dsn ...]
//	curl -si localhost:8080/orders         | grep X-Query-Count   # 501: the naive handler
//	curl -si 'localhost:8080/orders?fixed=1' | grep X-Query-Count # 1: SelectRelated
//	curl -s localhost:8080/customers/stream | head -3            # Iter + PrefetchRelated, NDJSON
//
// The naive request also logs an N+1 warning naming the handler's line (at
// most once a minute per route: see ormhttp.Options.WarnEvery).
//
// load_test.go is its load test: EAGER_LOADTEST=1 go test ./examples/service
// -run TestLoad -v (32 clients for 30 s on a pool of 4, mixing the three
// endpoints; see there).
// SIGINT (Ctrl-C) shuts it down gracefully: in-flight requests finish.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/eagerorm/eager/examples/internal/redact"
	"github.com/eagerorm/eager/examples/internal/shop"
	"github.com/eagerorm/eager/orm"
	"github.com/eagerorm/eager/orm/ormhttp"
	"github.com/eagerorm/eager/queryset"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	orders := flag.Int("orders", 500, "how many orders to seed")
	dsn := flag.String("dsn", "", "PostgreSQL connection string (default: $EAGER_DATABASE_URL, $DATABASE_URL, PG*; else a throwaway cluster)")
	flag.Parse()
	log.SetFlags(0)

	ctx, stopSignals := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stopSignals()
	db, server, stop, err := shop.Open(ctx, *dsn, "eager_service")
	if err != nil {
		log.Fatal(err)
	}
	defer stop()
	if err := shop.Setup(ctx, db, *orders); err != nil {
		stop()
		log.Fatal(redact.Error(err))
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("serving %d orders from %s on http://%s/orders (and /orders?fixed=1); Ctrl-C to stop", *orders, server, ln.Addr())
	if err := serve(ctx, ln, handler(db, slog.Default())); err != nil {
		log.Fatal(err)
	}
	log.Print("stopped")
}

// handler is the service's routes behind the query-count middleware.
func handler(db *orm.DB, logger *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /orders", listOrders(db, logger))
	mux.HandleFunc("GET /customers/stream", streamCustomers(db, logger))
	return ormhttp.Middleware(ormhttp.Options{Logger: logger})(mux)
}

type orderJSON struct {
	ID       int64   `json:"id"`
	Status   string  `json:"status"`
	Total    float64 `json:"total"`
	Customer string  `json:"customer"`
}

// listOrders answers with every order and its customer's name; ?fixed=1
// loads the customers with SelectRelated instead of one query per order.
func listOrders(db *orm.DB, logger *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context() // carries the middleware's capture
		qs := queryset.New[shop.Order](db).OrderBy("id")
		if r.URL.Query().Get("fixed") == "1" {
			qs = qs.SelectRelated("customer")
		}
		orders, err := qs.All(ctx)
		if err != nil {
			shop.InternalError(w, r, logger, err) // a generic 500; the log names no row values
			return
		}
		out := make([]orderJSON, 0, len(orders))
		for _, o := range orders {
			c, err := o.Customer.Get(ctx)
			if err != nil {
				shop.InternalError(w, r, logger, err)
				return
			}
			out = append(out, orderJSON{ID: o.ID, Status: o.Status, Total: o.Total, Customer: c.Name})
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(out)
	}
}

type customerJSON struct {
	ID     int64   `json:"id"`
	Name   string  `json:"name"`
	Orders int     `json:"orders"`
	Total  float64 `json:"total"`
}

// streamCustomers streams every customer with the count and total of its
// orders, one JSON object per line, without holding them all: Iter reads
// the customers a chunk at a time and PrefetchRelated loads each chunk's
// orders in one query. Two statements per chunk, whatever the number of
// customers.
func streamCustomers(db *orm.DB, logger *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		qs := queryset.New[shop.Customer](db).PrefetchRelated("orders").OrderBy("id").IterChunk(25)
		enc := json.NewEncoder(w)
		sent := false
		for c, err := range qs.Iter(ctx) {
			if err == nil {
				var orders []*shop.Order
				if orders, err = c.Orders.All(ctx); err == nil { // prefetched: no query
					out := customerJSON{ID: c.ID, Name: c.Name, Orders: len(orders)}
					for _, o := range orders {
						out.Total += o.Total
					}
					if !sent {
						w.Header().Set("Content-Type", "application/x-ndjson")
						sent = true
					}
					err = enc.Encode(out)
				}
			}
			if err != nil {
				if ctx.Err() != nil {
					return // the client went away
				}
				if !sent {
					shop.InternalError(w, r, logger, err) // a generic 500; the log names no row values
					return
				}
				logger.ErrorContext(ctx, "streaming customers failed", "err", redact.Error(err))
				// Part of the stream is out: end the connection, so the
				// client sees an error rather than a short list.
				panic(http.ErrAbortHandler)
			}
		}
	}
}

// serve runs the server until ctx is done, then shuts it down gracefully,
// giving in-flight requests up to ten seconds.
func serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
