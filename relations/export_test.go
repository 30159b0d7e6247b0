package relations

// SetPeerTracking switches result-set recording on or off, for the
// benchmarks that measure its cost; it returns a function restoring it.
func SetPeerTracking(on bool) (restore func()) {
	old := trackPeers
	trackPeers = on
	return func() { trackPeers = old }
}
