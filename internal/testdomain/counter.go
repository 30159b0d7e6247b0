package testdomain

import (
	"context"
	"sync"

	"github.com/eagerorm/eager/orm"
)

// Counter is a QueryHook recording the statements a DB sends, transaction
// control (BEGIN, COMMIT, savepoints) aside: what tests count.
type Counter struct {
	mu     sync.Mutex
	events []orm.QueryEvent
}

// BeforeQuery implements orm.QueryHook.
func (c *Counter) BeforeQuery(ctx context.Context, _ orm.QueryEvent) context.Context { return ctx }

// AfterQuery implements orm.QueryHook.
func (c *Counter) AfterQuery(_ context.Context, ev orm.QueryEvent) {
	if ev.TxControl {
		return
	}
	c.mu.Lock()
	c.events = append(c.events, ev)
	c.mu.Unlock()
}

// N is the number of statements recorded.
func (c *Counter) N() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.events)
}

// SQLs lists the statements recorded, in order.
func (c *Counter) SQLs() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]string, len(c.events))
	for i, e := range c.events {
		out[i] = e.SQL
	}
	return out
}

// Events returns the recorded events, in order.
func (c *Counter) Events() []orm.QueryEvent {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]orm.QueryEvent(nil), c.events...)
}

// Reset forgets what was recorded.
func (c *Counter) Reset() {
	c.mu.Lock()
	c.events = nil
	c.mu.Unlock()
}
