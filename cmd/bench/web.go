package main

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"
)

// webPage is the dashboard as a browser first opens it: every incident,
// the default series and breakdown, the map.
const webPage = "/"

// assetRef finds what a page makes the browser load besides itself.
var assetRef = regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`)

// web measures the dashboard's HTML, served from the page cache and
// drawn afresh after a write, and weighs what it loads as it goes over the
// wire (gzip).
func (m *measurer) web(ctx context.Context) ([]row, error) {
	logf("dashboard page: cached, then %d write-then-read rounds", m.cfg.uncached)
	get := func() error { return m.api.get(ctx, webPage, io.Discard) }
	cached, err := loop(ctx, m.budget(), get)
	if err != nil {
		return nil, err
	}
	var fresh samples
	start := time.Now()
	for len(fresh) < m.cfg.uncached && (len(fresh) < 3 || time.Since(start) < m.cfg.uncTime) {
		if err := m.toggle(ctx); err != nil {
			return nil, err
		}
		t := time.Now()
		if err := get(); err != nil {
			return nil, err
		}
		fresh = append(fresh, time.Since(t))
	}
	rc := latency("dashboard page (cached)", cached, nil)
	rc.check("median < 50 ms", rc.med < 50*time.Millisecond, fmt.Sprintf("%.1f× the target", rc.med.Seconds()/0.05))
	rf := latency("dashboard page (after a write)", fresh, nil)
	rf.Note = "drawn afresh: every report of the page computed again"

	gz := map[string]string{"Accept-Encoding": "gzip"}
	var page countingWriter
	var html strings.Builder
	if _, err := m.api.do(ctx, "GET", webPage, "", nil, &html); err != nil {
		return nil, err
	}
	if _, err := m.api.do(ctx, "GET", webPage, "", gz, &page); err != nil {
		return nil, err
	}
	total := page.n
	for _, ref := range assetRef.FindAllStringSubmatch(html.String(), -1) {
		var asset countingWriter
		if _, err := m.api.do(ctx, "GET", ref[1], "", gz, &asset); err != nil {
			return nil, err
		}
		total += asset.n
	}
	w := row{Op: "dashboard weight (gzip, page and assets)", Ours: fmt.Sprintf("%.1f KB", float64(total)/1000), P99: "—", Raw: "—", Ratio: "—"}
	w.check("< 200 KB", total < 200_000, fmt.Sprintf("%.1f× the target", float64(total)/200_000))
	return []row{rc, rf, w}, nil
}

type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}
