package ormhttp

import (
	"sync"
	"time"
)

// maxPatterns bounds the limiter's memory: a handler without a route
// pattern whose paths carry IDs makes a new key per ID.
const maxPatterns = 4096

// limiter lets one warning per key through per interval and counts the
// ones it holds back, so the next warning can say how many there were.
type limiter struct {
	every time.Duration // <= 0: everything passes
	now   func() time.Time

	mu   sync.Mutex
	keys map[string]*window
}

type window struct {
	last       time.Time // when the last warning went out
	suppressed int       // held back since then
}

func newLimiter(every time.Duration, now func() time.Time) *limiter {
	return &limiter{every: every, now: now, keys: map[string]*window{}}
}

// allow reports whether a warning for key may be logged now, and how many
// were held back since the previous one.
func (l *limiter) allow(key string) (ok bool, suppressed int) {
	if l.every <= 0 {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	w := l.keys[key]
	if w == nil {
		if len(l.keys) >= maxPatterns {
			l.forgetExpired(now)
		}
		l.keys[key] = &window{last: now}
		return true, 0
	}
	if now.Sub(w.last) < l.every {
		w.suppressed++
		return false, 0
	}
	suppressed = w.suppressed
	w.last, w.suppressed = now, 0
	return true, suppressed
}

// forgetExpired drops the keys whose window has passed, and, if every key
// is still current, all of them: the map stays bounded, at the price of
// an extra warning (and a lost suppressed count) per forgotten key.
func (l *limiter) forgetExpired(now time.Time) {
	for k, w := range l.keys {
		if now.Sub(w.last) >= l.every {
			delete(l.keys, k)
		}
	}
	if len(l.keys) >= maxPatterns {
		clear(l.keys)
	}
}
