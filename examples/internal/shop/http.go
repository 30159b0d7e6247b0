package shop

import (
	"log/slog"
	"net/http"

	"github.com/eagerorm/eager/examples/internal/redact"
)

// InternalError answers a request that failed on the server's side: a 500
// with a generic body, since the client has no use for the error and must
// not see the data or the schema in it, and one log line saying what
// failed without the row values PostgreSQL quotes (package redact).
func InternalError(w http.ResponseWriter, r *http.Request, logger *slog.Logger, err error) {
	logger.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", redact.Error(err))
	http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
}
