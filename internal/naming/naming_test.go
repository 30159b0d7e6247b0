package naming

import "testing"

func TestSnake(t *testing.T) {
	cases := map[string]string{
		"ID":               "id",
		"CustomerID":       "customer_id",
		"CreatedAt":        "created_at",
		"HTTPServer":       "http_server",
		"OriginalLanguage": "original_language",
		"Film":             "film",
		"OrderItem":        "order_item",
		"Address2":         "address2",
		"already_snake":    "already_snake",
		"X":                "x",
		"":                 "",
	}
	for in, want := range cases {
		if got := Snake(in); got != want {
			t.Errorf("Snake(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestClosest(t *testing.T) {
	choices := []string{"id", "status", "total", "created_at", "customer"}
	if got := Closest("totl", choices); got != "total" {
		t.Errorf("Closest(totl) = %q", got)
	}
	if got := Closest("custmer", choices); got != "customer" {
		t.Errorf("Closest(custmer) = %q", got)
	}
	if got := Closest("zzzzzzzzzz", choices); got != "" {
		t.Errorf("Closest(zzzz) = %q, want none", got)
	}
}
