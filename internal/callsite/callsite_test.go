package callsite

import (
	"strings"
	"testing"
)

func TestFindReportsTheCaller(t *testing.T) {
	site := Find(0)
	if !strings.HasPrefix(site, "callsite/callsite_test.go:") {
		t.Fatalf("Find = %q", site)
	}
	if !isInternal("github.com/eagerorm/eager/queryset.QuerySet[...].All") || isInternal("github.com/eagerorm/eager/relations_test.TestX") {
		t.Fatal("package prefixes")
	}
}
