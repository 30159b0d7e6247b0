package ormhttp

import "time"

// WithClock sets the clock the warning limiter reads.
func WithClock(o Options, now func() time.Time) Options {
	o.now = now
	return o
}
