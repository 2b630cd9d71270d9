package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"
)

type measurer struct {
	cfg  config
	api  *api
	raw  *rawSQL
	srv  *server
	ds   *dataset
	live int64
	// started is the server's memory before any measurement, to tell
	// what the export adds from what earlier work left resident.
	started mem

	// The uncached rounds write by toggling one incident between its own
	// locality and wounded and a marker with one more wounded, and put it
	// back at the end, so the cached data set stays the generated one
	// apart from versions. The figure is what makes the write one that
	// can change a report or a count: an edit of the text alone leaves
	// them kept, and would measure the cache. The marker names the
	// original figure, for a run stopped while it was set.
	patchPath       string
	original        json.RawMessage // the locality
	originalWounded *int
	marked          bool
}

const patchMarker = "incidentdb bench marker"

func (m *measurer) all(ctx context.Context) ([]row, error) {
	var out []row
	var list struct {
		Total int64 `json:"total"`
	}
	if err := m.api.getJSON(ctx, "/api/v1/incidents?limit=1", &list); err != nil {
		return nil, err
	}
	m.live = list.Total
	m.started, _ = memStatus(m.srv.pid())
	if err := m.preparePatch(ctx); err != nil {
		return nil, err
	}
	defer m.restorePatch()
	steps := []struct {
		name string
		run  func(context.Context) ([]row, error)
	}{{"get", m.getByID}, {"list", m.lists}, {"reports", m.reports}, {"export", m.export}, {"web", m.web}, {"mixed", m.mixed}, {"build", m.build}}
	for _, step := range steps {
		if m.cfg.only != "" && !slices.Contains(strings.Split(m.cfg.only, ","), step.name) {
			continue
		}
		rows, err := step.run(ctx)
		if err != nil {
			return nil, err
		}
		out = append(out, rows...)
	}
	return out, nil
}

func (m *measurer) getByID(ctx context.Context) ([]row, error) {
	logf("get by id: %d requests, then %d clients", m.cfg.requests, m.cfg.clients)
	rng := rand.New(rand.NewPCG(uint64(m.cfg.seed), 1))
	randomID := func(r *rand.Rand) int64 { return 1 + r.Int64N(int64(m.ds.N)) }
	ours, err := loop(ctx, m.budget(), func() error {
		return m.api.get(ctx, "/api/v1/incidents/"+strconv.FormatInt(randomID(rng), 10), io.Discard)
	})
	if err != nil {
		return nil, err
	}
	raw, err := loop(ctx, m.budget(), func() error { return m.raw.getByID(ctx, randomID(rng)) })
	if err != nil {
		return nil, err
	}
	rngs := make([]*rand.Rand, m.cfg.clients)
	for i := range rngs {
		rngs[i] = rand.New(rand.NewPCG(uint64(m.cfg.seed), uint64(100+i)))
	}
	conc, took, err := loopConcurrent(ctx, m.cfg.clients, m.cfg.concurrent, m.cfg.opTime, func(w int) error {
		return m.api.get(ctx, "/api/v1/incidents/"+strconv.FormatInt(randomID(rngs[w]), 10), io.Discard)
	})
	if err != nil {
		return nil, err
	}
	// The cost of an HTTP round trip on loopback with nothing behind it,
	// so the distance to the SQL can be split into transport and service.
	floor, err := loop(ctx, m.budget(), func() error { return m.api.get(ctx, "/healthz", io.Discard) })
	if err != nil {
		return nil, err
	}
	one := latency("get by id, 1 client", ours, raw)
	one.check("p99 < 2 ms", ours.pct(99) < 2*time.Millisecond, fmt.Sprintf("p99 %s", ms(ours.pct(99))))
	one.Note = fmt.Sprintf("%s req/s sequentially", thousands(throughput(ours)))
	rps := float64(len(conc)) / took.Seconds()
	many := latency(fmt.Sprintf("get by id, %d clients", m.cfg.clients), conc, nil)
	many.check("> 5,000 req/s", rps > 5000, fmt.Sprintf("%s req/s, %.2f× short", thousands(rps), 5000/rps))
	many.Note = fmt.Sprintf("%s req/s over %d requests (the load generator shares the cores)", thousands(rps), len(conc))
	hz := latency("GET /healthz, 1 client (the HTTP floor, for reference)", floor, nil)
	return []row{one, many, hz}, nil
}

// firstPage is the list filter of the first-page figure: one region and
// one year, as a dashboard drill-down asks.
var firstPage = struct {
	query string
	f     listFilter
}{"region=Mopti&from=2019-01-01&to=2019-12-31", listFilter{region: "mopti", from: "2019-01-01", to: "2019-12-31"}}

type listBody struct {
	Items []struct {
		ID int64 `json:"id"`
	} `json:"items"`
	Total      int64   `json:"total"`
	NextCursor *string `json:"next_cursor"`
}

func (m *measurer) lists(ctx context.Context) ([]row, error) {
	logf("list: first page with %s", firstPage.query)
	first, err := m.listPage(ctx, "first list page, "+firstPage.query+", 50 rows", firstPage.query, firstPage.f, "", nil)
	if err != nil {
		return nil, err
	}
	first.check("median < 5 ms", first.med < 5*time.Millisecond, fmt.Sprintf("%.1f× the target", first.med.Seconds()/0.005))
	out := []row{first}
	// Text search on the engine's own index: a word that most incidents
	// hold, and two prefixes in French that fewer hold together.
	for _, q := range []struct {
		query string
		f     listFilter
	}{{"q=convoy", listFilter{words: []string{"convoy"}}}, {"q=m%C3%A9naka+convoi", listFilter{words: []string{"menaka", "convoi"}}}} {
		logf("list: first page with %s", q.query)
		r, err := m.listPage(ctx, "first list page, "+q.query+", 50 rows (text index)", q.query, q.f, "", nil)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}

	// The deep page uses the first page's filter when it has enough rows
	// (it does at a million incidents), else a broader one with its own
	// first page as the reference.
	query, f, ref := firstPage.query, firstPage.f, first
	for _, cand := range []struct {
		query string
		f     listFilter
	}{{firstPage.query, firstPage.f}, {"region=Mopti", listFilter{region: "mopti"}}, {"", listFilter{}}} {
		var b listBody
		if err := m.api.getJSON(ctx, "/api/v1/incidents?limit=1&"+cand.query, &b); err != nil {
			return nil, err
		}
		query, f = cand.query, cand.f
		if b.Total >= int64(m.cfg.depth+50) {
			break
		}
	}
	if query != firstPage.query {
		ref, err = m.listPage(ctx, "first list page, "+orAll(query)+" (reference for the deep page)", query, f, "", nil)
		if err != nil {
			return nil, err
		}
		out = append(out, ref)
	}
	logf("list: walking %d rows deep with %s", m.cfg.depth, orAll(query))
	cursor, err := m.walk(ctx, query, m.cfg.depth)
	if err != nil {
		return nil, err
	}
	ks, err := decodeCursor(cursor)
	if err != nil {
		return nil, err
	}
	deep, err := m.listPage(ctx, fmt.Sprintf("page %s rows deep by cursor, %s", thousands(float64(m.cfg.depth)), orAll(query)), query, f, cursor, &ks)
	if err != nil {
		return nil, err
	}
	ratio := deep.med.Seconds() / ref.med.Seconds()
	deep.check(fmt.Sprintf("≤ 1.2× first page (%s)", ms(ref.med)), ratio <= 1.2, fmt.Sprintf("%.2f× the first page", ratio))
	return append(out, deep), nil
}

func orAll(q string) string {
	if q == "" {
		return "no filter"
	}
	return q
}

// listPage times one list page on both sides and checks that both find the
// same total and the same first row.
func (m *measurer) listPage(ctx context.Context, name, query string, f listFilter, cursor string, after *keyset) (row, error) {
	path := "/api/v1/incidents?limit=50"
	if query != "" {
		path += "&" + query
	}
	if cursor != "" {
		path += "&cursor=" + cursor
	}
	var b listBody
	if err := m.api.getJSON(ctx, path, &b); err != nil {
		return row{}, err
	}
	total, ids, err := m.raw.page(ctx, f, after, 50)
	if err != nil {
		return row{}, err
	}
	ours, err := loop(ctx, m.budget(), func() error { return m.api.get(ctx, path, io.Discard) })
	if err != nil {
		return row{}, err
	}
	raw, err := loop(ctx, m.budget(), func() error {
		_, _, err := m.raw.page(ctx, f, after, 50)
		return err
	})
	if err != nil {
		return row{}, err
	}
	r := latency(name, ours, raw)
	if len(b.Items) == 0 || len(ids) == 0 || b.Total != total || b.Items[0].ID != ids[0] || len(b.Items) != len(ids) {
		r.differs = fmt.Sprintf("ours: total %d, %d rows; SQL: total %d, %d rows", b.Total, len(b.Items), total, len(ids))
	}
	return r, nil
}

// walk follows next_cursor, 1,000 rows a page, until depth rows are
// behind it, and returns the cursor there.
func (m *measurer) walk(ctx context.Context, query string, depth int) (string, error) {
	cursor, walked := "", 0
	for walked < depth {
		path := "/api/v1/incidents?limit=" + strconv.Itoa(min(1000, depth-walked))
		if query != "" {
			path += "&" + query
		}
		if cursor != "" {
			path += "&cursor=" + cursor
		}
		var b listBody
		if err := m.api.getJSON(ctx, path, &b); err != nil {
			return "", err
		}
		walked += len(b.Items)
		if b.NextCursor == nil {
			return "", fmt.Errorf("the list with %s ends after %d rows, before %d", orAll(query), walked, depth)
		}
		cursor = *b.NextCursor
	}
	return cursor, nil
}

// decodeCursor reads the service's keyset cursor ("sort|value|id",
// base64url), which the raw SQL needs as values.
func decodeCursor(s string) (keyset, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return keyset{}, fmt.Errorf("cursor %q: %w", s, err)
	}
	parts := strings.Split(string(b), "|")
	if len(parts) != 3 || parts[0] != "-occurred_on" {
		return keyset{}, fmt.Errorf("cursor %q is not a -occurred_on cursor", b)
	}
	id, err := strconv.ParseInt(parts[2], 10, 64)
	return keyset{occurred: parts[1], id: id}, err
}

type reportSpec struct {
	path string
	// dashboard reports are the unfiltered and one-filter totals calls
	// that issue 3 holds to under 10 ms; the others to 1.5× the SQL.
	dashboard bool
	raw       func(ctx context.Context) (int, counts, error)
}

func (m *measurer) reportSpecs() []reportSpec {
	const live = "FROM incidents WHERE deleted_at IS NULL"
	const allTotals = "SELECT count(*), sum(killed), sum(wounded) " + live
	rep := func(rows, totals string, args ...any) func(context.Context) (int, counts, error) {
		return func(ctx context.Context) (int, counts, error) {
			return m.raw.report(ctx, rawReport{rows: rows, totals: totals, args: args})
		}
	}
	ser := func(q, interval string, args ...any) func(context.Context) (int, counts, error) {
		return func(ctx context.Context) (int, counts, error) { return m.raw.series(ctx, q, interval, args...) }
	}
	return []reportSpec{
		{"/api/v1/reports/casualties?group_by=region", true,
			rep("SELECT region_key, min(region), count(*), sum(killed), sum(wounded) "+live+" GROUP BY region_key", "")},
		{"/api/v1/reports/casualties?group_by=region&estimate=high", true,
			rep("SELECT region_key, min(region), count(*), sum(killed_high), sum(wounded_high) "+live+" GROUP BY region_key", "")},
		{"/api/v1/reports/casualties?group_by=year", true,
			rep("SELECT substr(occurred_on, 1, 4), count(*), sum(killed), sum(wounded) "+live+" GROUP BY 1", "")},
		{"/api/v1/reports/casualties?group_by=region&region=Mopti", true,
			rep("SELECT region_key, min(region), count(*), sum(killed), sum(wounded) "+live+" AND region_key = ? GROUP BY region_key", "", "mopti")},
		{"/api/v1/reports/casualties?group_by=month", true,
			rep("SELECT substr(occurred_on, 1, 7), count(*), sum(killed), sum(wounded) "+live+" GROUP BY 1", "")},
		{"/api/v1/reports/casualties?group_by=region,year&from=2017-01-01", true,
			rep("SELECT region_key, min(region), substr(occurred_on, 1, 4), count(*), sum(killed), sum(wounded) "+live+
				" AND occurred_on >= ? GROUP BY region_key, 3", "", "2017-01-01")},
		{"/api/v1/reports/casualties?group_by=force", false,
			rep(`SELECT f.name_key, min(f.name), count(*), sum(i.killed), sum(i.wounded)
FROM incidents i JOIN incident_forces f ON f.incident_id = i.id WHERE i.deleted_at IS NULL GROUP BY f.name_key`, allTotals)},
		{"/api/v1/reports/casualties?group_by=nationality&group=peacekeeper", false,
			rep(`SELECT c.nationality, count(DISTINCT c.incident_id), sum(c.killed), sum(c.wounded)
FROM casualties c JOIN incidents i ON i.id = c.incident_id WHERE c.grp = ? AND i.deleted_at IS NULL GROUP BY c.nationality`,
				`SELECT count(DISTINCT c.incident_id), sum(c.killed), sum(c.wounded)
FROM casualties c JOIN incidents i ON i.id = c.incident_id WHERE c.grp = ? AND i.deleted_at IS NULL`, "peacekeeper")},
		{"/api/v1/reports/casualties?group_by=type&from=2019-03-15&to=2019-09-10", false,
			rep("SELECT type, count(*), sum(killed), sum(wounded) "+live+" AND occurred_on BETWEEN ? AND ? GROUP BY type", "",
				"2019-03-15", "2019-09-10")},
		{"/api/v1/reports/timeseries?interval=month", false,
			ser("SELECT substr(occurred_on, 1, 7), count(*), sum(killed), sum(wounded) "+live+" GROUP BY 1", "month")},
		{"/api/v1/reports/timeseries?interval=week&region=Gao", false,
			ser("SELECT occurred_on, count(*), sum(killed), sum(wounded) "+live+" AND region_key = ? GROUP BY occurred_on", "week", "gao")},
	}
}

// reportBody reads both the casualty report and the time series.
type reportBody struct {
	Rows   []json.RawMessage `json:"rows"`
	Totals counts            `json:"totals"`
	Points []counts          `json:"points"`
}

func (b reportBody) summary() (int, counts) {
	if b.Points == nil {
		return len(b.Rows), b.Totals
	}
	var sum counts
	for _, p := range b.Points {
		sum.add(p)
	}
	return len(b.Points), sum
}

func (m *measurer) reports(ctx context.Context) ([]row, error) {
	var out []row
	for _, spec := range m.reportSpecs() {
		name := strings.TrimPrefix(spec.path, "/api/v1/reports/")
		logf("report %s: cached, then %d write-then-read rounds", name, m.cfg.uncached)
		var b reportBody
		if err := m.api.getJSON(ctx, spec.path, &b); err != nil {
			return nil, err
		}
		n, tot, err := spec.raw(ctx)
		if err != nil {
			return nil, fmt.Errorf("%s: raw SQL: %w", name, err)
		}
		differs := ""
		if on, ot := b.summary(); on != n || ot != tot {
			differs = fmt.Sprintf("ours: %d rows, totals %+v; SQL: %d rows, totals %+v", on, ot, n, tot)
		}
		cached, err := loop(ctx, m.budget(), func() error { return m.api.get(ctx, spec.path, io.Discard) })
		if err != nil {
			return nil, err
		}
		var ours, raw samples
		start := time.Now()
		for len(ours) < m.cfg.uncached && (len(ours) < 3 || time.Since(start) < m.cfg.uncTime) {
			if err := m.toggle(ctx); err != nil {
				return nil, err
			}
			t := time.Now()
			if err := m.api.get(ctx, spec.path, io.Discard); err != nil {
				return nil, err
			}
			ours = append(ours, time.Since(t))
			// Right after the same write, so SQLite's page cache is as
			// cold for this connection as for the server's.
			t = time.Now()
			if _, _, err := spec.raw(ctx); err != nil {
				return nil, err
			}
			raw = append(raw, time.Since(t))
		}
		rc := latency(name+" (cached)", cached, raw)
		ru := latency(name+" (uncached)", ours, raw)
		rc.differs, ru.differs = differs, differs
		if spec.dashboard {
			rc.check("median < 10 ms", rc.med < 10*time.Millisecond, fmt.Sprintf("%.1f× the target", rc.med.Seconds()/0.01))
			ru.check("median < 10 ms", ru.med < 10*time.Millisecond, fmt.Sprintf("%.1f× the target", ru.med.Seconds()/0.01))
		} else {
			ratio := ru.med.Seconds() / ru.rawMed.Seconds()
			ru.check("≤ 1.5× SQL", ratio <= 1.5, fmt.Sprintf("%.2f× the SQL", ratio))
		}
		out = append(out, rc, ru)
	}
	return out, nil
}

func (m *measurer) preparePatch(ctx context.Context) error {
	m.patchPath = "/api/v1/incidents/1"
	var inc struct {
		Locality json.RawMessage `json:"locality"`
		Wounded  *int            `json:"wounded"`
	}
	if err := m.api.getJSON(ctx, m.patchPath, &inc); err != nil {
		return err
	}
	m.original, m.originalWounded = inc.Locality, inc.Wounded
	var loc string
	if len(m.original) == 0 || json.Unmarshal(m.original, &loc) == nil && strings.HasPrefix(loc, patchMarker) {
		// A run stopped with the marker set: the marker says the figure.
		m.original, m.originalWounded = json.RawMessage("null"), nil
		if n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(loc, patchMarker+" (wounded "), ")")); err == nil {
			m.originalWounded = &n
		}
	}
	return nil
}

func (m *measurer) toggle(ctx context.Context) error {
	wounded, was := "0", "unknown"
	if w := m.originalWounded; w != nil {
		wounded, was = strconv.Itoa(*w+1), strconv.Itoa(*w)
	}
	body := `{"locality":` + strconv.Quote(patchMarker+" (wounded "+was+")") + `,"wounded":` + wounded + `}`
	if m.marked {
		back := "null"
		if w := m.originalWounded; w != nil {
			back = strconv.Itoa(*w)
		}
		body = `{"locality":` + string(m.original) + `,"wounded":` + back + `}`
	}
	if err := m.api.patch(ctx, m.patchPath, body); err != nil {
		return err
	}
	m.marked = !m.marked
	return nil
}

// restorePatch puts the locality back, also after an error or Ctrl-C, as
// long as the server still answers.
func (m *measurer) restorePatch() {
	if !m.marked {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := m.toggle(ctx); err != nil {
		logf("could not restore incident 1: %v", err)
	}
}

func (m *measurer) export(ctx context.Context) ([]row, error) {
	logf("CSV export of %d incidents, %d runs a side", m.live, m.cfg.exportRuns)
	pid := m.srv.pid()
	before, _ := memStatus(pid)
	var ours, raw samples
	var peak int64
	var got, rawRows int64
	var size int64
	for range m.cfg.exportRuns {
		if err := resetPeak(pid); err != nil {
			logf("cannot reset the peak RSS (%v); VmHWM will include earlier peaks", err)
		}
		stop := make(chan struct{})
		sampled := sampleRSS(pid, stop)
		c := &csvCounter{}
		t := time.Now()
		err := m.api.get(ctx, "/api/v1/incidents.csv", c)
		d := time.Since(t)
		close(stop)
		p := <-sampled
		if err != nil {
			return nil, err
		}
		if after, err := memStatus(pid); err == nil {
			p = max(p, after.hwm)
		}
		peak = max(peak, p)
		ours = append(ours, d)
		got, size = c.records-1, c.bytes

		rc := &csvCounter{}
		t = time.Now()
		n, err := m.raw.exportCSV(ctx, rc)
		if err != nil {
			return nil, fmt.Errorf("raw export: %w", err)
		}
		raw = append(raw, time.Since(t))
		rawRows = n
	}
	shell, shellRate := m.shellExport(ctx)
	r := latency(fmt.Sprintf("CSV export, all %s incidents", thousands(float64(m.live))), ours, raw)
	r.P99 = "—"
	oursRate := float64(m.live) / r.med.Seconds()
	rawRate := float64(rawRows) / r.rawMed.Seconds()
	if m.ds.pg && shellRate > 0 {
		// Issue 18: where psql's own COPY streams less than the target on
		// the machine, 0.9× of it is what the export can be held to.
		want := min(300000, 0.9*shellRate)
		r.check(fmt.Sprintf("≥ 300,000 incidents/s, or ≥ 0.9× psql COPY (%s/s)", thousands(shellRate)), oursRate >= want,
			fmt.Sprintf("%s incidents/s, %.2f× psql COPY", thousands(oursRate), oursRate/shellRate))
	} else {
		r.check("≥ 300,000 incidents/s", oursRate >= 300000, fmt.Sprintf("%s incidents/s, %.2f× short", thousands(oursRate), 300000/oursRate))
	}
	r.Note = fmt.Sprintf("%s incidents/s ours, %s incidents/s SQL%s; %s", thousands(oursRate), thousands(rawRate), shell, mib(size))
	if got != m.live || rawRows != m.live {
		r.differs = fmt.Sprintf("%d live incidents; our file has %d records after the header, the SQL wrote %d rows", m.live, got, rawRows)
	}
	mem := row{Op: "server RSS during the export", Ours: mib(peak * 1024), P99: "—", Raw: "—", Ratio: "—",
		Note: fmt.Sprintf("peak of VmRSS sampled every 20 ms and VmHWM; %s before the export (%s of it anonymous), %s when the server had just started",
			mib(before.rss*1024), mib(before.anon*1024), mib(m.started.rss*1024))}
	if m.ds.pg {
		mem.Note += "; the incidentdb process only: PostgreSQL's own processes are not counted"
	}
	mem.check("< 100 MB", peak*1024 < 100e6, fmt.Sprintf("%s, %.1f× the limit", mib(peak*1024), float64(peak*1024)/100e6))
	return []row{r, mem}, nil
}

// shellExport is what the engine's own shell streams as CSV from the same
// rows, the reference the export target was set against: sqlite3 -csv, or
// psql running COPY ... TO STDOUT, as a note and a rate. "" and 0 when
// the shell is missing.
func (m *measurer) shellExport(ctx context.Context) (string, float64) {
	q := "SELECT " + m.raw.cols() + " FROM incidents WHERE deleted_at IS NULL ORDER BY id"
	var cmd *exec.Cmd
	name := "sqlite3 shell -csv"
	if m.ds.pg {
		cli, err := exec.LookPath(m.cfg.psql)
		if err != nil || m.cfg.psql == "" {
			return "", 0
		}
		cmd = exec.CommandContext(ctx, cli, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", m.ds.db, "-c", "COPY ("+q+") TO STDOUT WITH (FORMAT csv)")
		name = "psql COPY TO STDOUT csv"
	} else {
		cli, err := exec.LookPath(m.cfg.sqlite3)
		if err != nil || m.cfg.sqlite3 == "" {
			return "", 0
		}
		cmd = exec.CommandContext(ctx, cli, "-readonly", "-csv", m.ds.db, q)
	}
	c := &csvCounter{}
	cmd.Stdout = c
	t := time.Now()
	if err := cmd.Run(); err != nil {
		logf("%s: %v", name, err)
		return "", 0
	}
	rate := float64(c.records) / time.Since(t).Seconds()
	return fmt.Sprintf("; %s: %s incidents/s", name, thousands(rate)), rate
}

// build reports what preparing the data set measured: the import against
// the engine's shell (sqlite3 or psql), and the database against a flat
// table.
func (m *measurer) build(context.Context) ([]row, error) {
	ds := m.ds
	shell, target, how, sizeOp := "sqlite3", "≤ 1.5× sqlite3 CLI", "sqlite3 "+ds.SQLiteCLI+" shell, .import then INSERT ... SELECT", "database file"
	if ds.pg {
		shell, target, how = "psql", "≤ 1.5× psql", "psql "+ds.PSQL+", \\copy then INSERT ... SELECT"
		sizeOp = "database: tables with their indexes"
	}
	imp := row{Op: fmt.Sprintf("import of our CSV by the CLI, %s incidents", thousands(float64(ds.N))),
		Ours: secs(ds.ImportSeconds), P99: "—", Raw: "not measured", Ratio: "—",
		Note: fmt.Sprintf("peak RSS %s", mib(ds.ImportMaxRSS*1024))}
	size := row{Op: sizeOp, Ours: mib(ds.DBBytes), P99: "—", Raw: "not measured", Ratio: "—"}
	if ds.BaselineSeconds > 0 {
		ratio := ds.ImportSeconds / ds.BaselineSeconds
		imp.Raw, imp.Ratio = secs(ds.BaselineSeconds), fmt.Sprintf("%.2f×", ratio)
		imp.check(target, ratio <= 1.5, fmt.Sprintf("%.2f× the %s shell", ratio, shell))
		imp.Note += "; SQL side: " + how
	} else {
		imp.Target, imp.Met = target, "not measured: "+ds.BaselineSkipped
	}
	// Issue 18 holds PostgreSQL's database to 2× its flat table: its
	// rows carry a header of 24 bytes where SQLite's carry a few.
	sizeLimit, sizeTarget := 1.5, "≤ 1.5× flat table"
	if ds.pg {
		sizeLimit, sizeTarget = 2, "≤ 2× flat table"
	}
	if ds.FlatBytes > 0 {
		ratio := float64(ds.DBBytes) / float64(ds.FlatBytes)
		size.Raw, size.Ratio = mib(ds.FlatBytes), fmt.Sprintf("%.2f×", ratio)
		size.check(sizeTarget, ratio <= sizeLimit, fmt.Sprintf("%.2f× the flat table", ratio))
		size.Note = fmt.Sprintf("SQL side: one flat table with the incidents indexes; our schema loaded by %s: %s", shell, mib(ds.BaselineBytes))
		if ds.pg {
			size.Note += fmt.Sprintf("; pg_database_size of ours, system catalogs included: %s", mib(ds.DBWholeBytes))
		}
	} else {
		size.Target, size.Met = sizeTarget, "not measured: "+ds.BaselineSkipped
	}
	if !ds.Built.IsZero() {
		imp.Note += "; measured " + ds.Built.Format("2006-01-02") + " when the database was built"
	}
	return []row{imp, size}, nil
}

func throughput(s samples) float64 {
	var total time.Duration
	for _, d := range s {
		total += d
	}
	if total == 0 {
		return 0
	}
	return float64(len(s)) / total.Seconds()
}
