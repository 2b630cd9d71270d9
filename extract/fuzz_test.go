package extract

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Any text gives an answer: no panic, and every piece of evidence is a
// span of the text itself.
func FuzzExtract(f *testing.F) {
	files, _ := filepath.Glob("../testdata/statements/*.txt")
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err == nil {
			f.Add(string(b))
		}
	}
	f.Add("Hier, à Tessalit, 3 casques bleus tués.")
	f.Fuzz(func(t *testing.T, text string) {
		res := Extract(Statement{Text: text}, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
		for _, d := range res.Drafts {
			for field, ev := range d.Evidence {
				if ev.Start < 0 || ev.End > len(text) || ev.Start > ev.End || text[ev.Start:ev.End] != ev.Text {
					t.Fatalf("%s: evidence %d–%d outside the text", field, ev.Start, ev.End)
				}
			}
		}
	})
}

// BenchmarkExtract runs the committed statements (synthetic, in the style
// of UN statements) through the extractor: the issue asks for at least
// 1,000 statements a second on one core.
func BenchmarkExtract(b *testing.B) {
	files, _ := filepath.Glob("../testdata/statements/*.txt")
	var texts []string
	for _, p := range files {
		raw, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		texts = append(texts, string(raw))
	}
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		Extract(Statement{Text: texts[i%len(texts)]}, now)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "statements/s")
}
