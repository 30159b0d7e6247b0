package load

import "context"

type perChunkKey struct{}

// PerChunk marks the statements sent with the returned context as one
// chunk's of a streaming read (Iter's FETCH and the chunk's prefetches):
// they repeat once per chunk by design, bounded by the rows read, and the
// capture report (package orm) never counts them as an N+1 loop.
func PerChunk(ctx context.Context) context.Context {
	return context.WithValue(ctx, perChunkKey{}, true)
}

// IsPerChunk reports whether ctx was marked by PerChunk.
func IsPerChunk(ctx context.Context) bool {
	v, _ := ctx.Value(perChunkKey{}).(bool)
	return v
}
