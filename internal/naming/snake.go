package naming

import (
	"strings"
	"unicode"
)

// Snake converts a Go identifier to snake_case. Runs of capitals are treated
// as one word, so acronyms stay together: "HTTPServer" -> "http_server",
// "CustomerID" -> "customer_id", "OriginalLanguage" -> "original_language".
func Snake(name string) string {
	runes := []rune(name)
	var b strings.Builder
	b.Grow(len(name) + 4)
	for i, r := range runes {
		if unicode.IsUpper(r) {
			if i > 0 {
				prev := runes[i-1]
				nextLower := i+1 < len(runes) && unicode.IsLower(runes[i+1])
				if unicode.IsLower(prev) || unicode.IsDigit(prev) || (unicode.IsUpper(prev) && nextLower) {
					b.WriteByte('_')
				}
			}
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
