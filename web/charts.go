package web

import (
	"fmt"
	"html/template"
	"strings"
)

// Charts are SVG written here, with presentation attributes rather than
// style attributes: the pages' Content-Security-Policy allows no inline
// style, and a chart must read without a script.

// palette tells series apart; chosen for contrast on white and for
// readers who do not see red and green apart.
var palette = []string{"#b2182b", "#2166ac", "#e08214", "#1b7837", "#762a83", "#4d4d4d", "#c51b7d", "#01665e"}

type series struct {
	Name   string
	Values []int64
}

type lineChart struct {
	Periods []string // labels, already in the page's language
	Series  []series
}

// svgLines draws a line per series over the periods, with a y axis from
// zero to a round maximum.
func svgLines(ch lineChart, title string, l *lang) template.HTML {
	const w, h, left, right, top, bottom = 720.0, 260.0, 48.0, 12.0, 12.0, 40.0
	var top1 int64 = 1
	for _, s := range ch.Series {
		for _, v := range s.Values {
			top1 = max(top1, v)
		}
	}
	ymax := niceCeil(top1)
	n := len(ch.Periods)
	x := func(i int) float64 {
		if n <= 1 {
			return left + (w-left-right)/2
		}
		return left + float64(i)*(w-left-right)/float64(n-1)
	}
	y := func(v int64) float64 { return top + (h-top-bottom)*(1-float64(v)/float64(ymax)) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %g %g" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg"><title>%s</title>`,
		w, h, template.HTMLEscapeString(title), template.HTMLEscapeString(title))
	for _, t := range []int64{0, ymax / 2, ymax} {
		fmt.Fprintf(&b, `<line x1="%g" x2="%g" y1="%.1f" y2="%.1f" stroke="#d0d0d0" stroke-width="1"/>`, left, w-right, y(t), y(t))
		fmt.Fprintf(&b, `<text x="%g" y="%.1f" text-anchor="end" font-size="12" fill="#333">%s</text>`, left-6, y(t)+4, l.N(t))
	}
	if n > 0 {
		for _, i := range labelIndexes(n, 12) {
			anchor := "middle"
			if i == 0 && n > 1 {
				anchor = "start"
			} else if i == n-1 && n > 1 {
				anchor = "end"
			}
			fmt.Fprintf(&b, `<text x="%.1f" y="%g" text-anchor="%s" font-size="12" fill="#333">%s</text>`, x(i), h-bottom+18, anchor, template.HTMLEscapeString(ch.Periods[i]))
		}
	}
	for si, s := range ch.Series {
		color := palette[si%len(palette)]
		var pts strings.Builder
		for i, v := range s.Values {
			fmt.Fprintf(&pts, "%.1f,%.1f ", x(i), y(v))
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"><title>%s</title></polyline>`, color, strings.TrimSpace(pts.String()), template.HTMLEscapeString(s.Name))
		if n == 1 || n <= 40 {
			for i, v := range s.Values {
				fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="2.5" fill="%s"><title>%s, %s: %s</title></circle>`, x(i), y(v), color,
					template.HTMLEscapeString(s.Name), template.HTMLEscapeString(ch.Periods[i]), l.N(v))
			}
		}
	}
	// The legend sits under the axis, a swatch and a name per series.
	for si, s := range ch.Series {
		lx := left + float64(si%4)*160
		ly := h - 8 - float64(si/4)*0
		fmt.Fprintf(&b, `<rect x="%g" y="%g" width="12" height="4" fill="%s"/><text x="%g" y="%g" font-size="12" fill="#333">%s</text>`,
			lx, ly-4, palette[si%len(palette)], lx+16, ly, template.HTMLEscapeString(clipName(s.Name, 20)))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // every text in it is escaped above
}

// labelIndexes picks at most k evenly spread periods to label, always
// the first and the last.
func labelIndexes(n, k int) []int {
	if n <= k {
		// Few enough to label every one.
		out := make([]int, n)
		for i := range out {
			out[i] = i
		}
		return out
	}
	// An even step, so that the labels read as a regular scale.
	step := (n + k - 1) / k
	out := make([]int, 0, k)
	for i := 0; i < n; i += step {
		out = append(out, i)
	}
	return out
}

// niceCeil rounds up to 1, 2 or 5 times a power of ten, so that the axis
// reads in round numbers.
func niceCeil(v int64) int64 {
	if v <= 1 {
		return 1
	}
	p := int64(1)
	for p*10 <= v {
		p *= 10
	}
	for _, m := range []int64{1, 2, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

type bar struct {
	Label   string
	Killed  int64
	Wounded int64
}

// svgBars draws killed and wounded side by side for each row, longest
// first as the rows come.
func svgBars(rows []bar, title string, l *lang) template.HTML {
	const w, rowH, labelW, numW = 720.0, 30.0, 200.0, 110.0
	h := rowH*float64(len(rows)) + 28
	var top int64 = 1
	for _, r := range rows {
		top = max(top, r.Killed, r.Wounded)
	}
	scale := (w - labelW - numW) / float64(top)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %g %g" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg"><title>%s</title>`,
		w, h, template.HTMLEscapeString(title), template.HTMLEscapeString(title))
	for i, r := range rows {
		y := float64(i) * rowH
		fmt.Fprintf(&b, `<text x="%g" y="%g" text-anchor="end" font-size="13" fill="#222">%s</text>`, labelW-8, y+18, template.HTMLEscapeString(clipName(r.Label, 28)))
		fmt.Fprintf(&b, `<rect x="%g" y="%g" width="%.1f" height="11" fill="%s"><title>%s</title></rect>`, labelW, y+5, float64(r.Killed)*scale, palette[0],
			template.HTMLEscapeString(l.T("chart.killed", r.Label, r.Killed)))
		fmt.Fprintf(&b, `<rect x="%g" y="%g" width="%.1f" height="11" fill="%s"><title>%s</title></rect>`, labelW, y+16, float64(r.Wounded)*scale, palette[2],
			template.HTMLEscapeString(l.T("chart.wounded", r.Label, r.Wounded)))
		end := labelW + float64(max(r.Killed, r.Wounded))*scale + 6
		fmt.Fprintf(&b, `<text x="%.1f" y="%g" font-size="12" fill="#222">%s / %s</text>`, end, y+20, l.N(r.Killed), l.N(r.Wounded))
	}
	ly := h - 8
	fmt.Fprintf(&b, `<rect x="%g" y="%g" width="12" height="8" fill="%s"/><text x="%g" y="%g" font-size="12" fill="#333">%s</text>`, labelW, ly-8, palette[0], labelW+16, ly, template.HTMLEscapeString(l.T("killed")))
	fmt.Fprintf(&b, `<rect x="%g" y="%g" width="12" height="8" fill="%s"/><text x="%g" y="%g" font-size="12" fill="#333">%s</text>`, labelW+120, ly-8, palette[2], labelW+136, ly, template.HTMLEscapeString(l.T("wounded")))
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // every text in it is escaped above
}

func clipName(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
