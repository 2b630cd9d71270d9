package store

import (
	"strings"
	"testing"
)

// pgCopyEscape writes s as COPY's text format writes a column (the rules
// of PostgreSQL's CopyAttributeOutText with a tab delimiter): a backslash
// before itself and the control characters it names, others raw.
func pgCopyEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\v':
			b.WriteString(`\v`)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Whatever a text holds, the export reads back from COPY what PostgreSQL
// wrote into it.
func FuzzUnescapeCopyText(f *testing.F) {
	for _, s := range []string{"", "plain", `back\slash`, "tab\there", "lines\r\nend\\", "\\n literal", "ménaka\v\f\b", `\\\`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got := unescapeCopyText([]byte(pgCopyEscape(s))); got != s {
			t.Fatalf("%q escaped as %q reads back as %q", s, pgCopyEscape(s), got)
		}
	})
}

// A filter's values become literals that mean the values: quotes doubled,
// backslashes as they are, lists parenthesised; values no literal can hold
// are refused, and so are placeholders and values that do not pair up.
func TestInlineLiterals(t *testing.T) {
	got, ok := inlineLiterals("a = ? AND b IN ? AND c >= ?", []any{`O'Brien \ "x"`, []string{"p", "q'"}, 3})
	if want := `a = 'O''Brien \ "x"' AND b IN ('p', 'q''') AND c >= 3`; !ok || got != want {
		t.Errorf("got %q, %v; want %q", got, ok, want)
	}
	for _, c := range []struct {
		cond string
		args []any
	}{
		{"a = ?", []any{"nul\x00"}}, {"a = ?", nil}, {"a = ?", []any{1, 2}}, {"a IN ?", []any{[]string{}}}, {"a = ?", []any{1.5}},
	} {
		if got, ok := inlineLiterals(c.cond, c.args); ok {
			t.Errorf("%q with %v: written as %q, not refused", c.cond, c.args, got)
		}
	}
}
