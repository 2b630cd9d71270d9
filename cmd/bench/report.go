package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"
)

// row is one line of the table, formatted; med and rawMed are kept for
// the checks that compare rows.
type row struct {
	Op, Ours, P99, Raw, Ratio, Target, Met, Note string
	// miss says by how much a target is missed, for the list under the
	// table; differs that the two sides did not give the same answer.
	miss, differs string
	med, rawMed   time.Duration
}

func latency(op string, ours, raw samples) row {
	r := row{Op: op, med: ours.median(), Raw: "—", Ratio: "—"}
	r.Ours, r.P99 = ms(r.med), ms(ours.pct(99))
	if len(raw) > 0 {
		r.rawMed = raw.median()
		r.Raw = ms(r.rawMed)
		r.Ratio = ratio(r.med.Seconds() / r.rawMed.Seconds())
	}
	return r
}

// ratio keeps the cached answers, thousands of times faster than the SQL,
// from reading as zero.
func ratio(x float64) string {
	switch {
	case x < 0.001:
		return "<0.001×"
	case x < 0.1:
		return fmt.Sprintf("%.3f×", x)
	}
	return fmt.Sprintf("%.2f×", x)
}

func (r *row) check(target string, ok bool, miss string) {
	r.Target = target
	if ok {
		r.Met = "yes"
		return
	}
	r.Met = "**no**"
	r.miss = miss
}

func ms(d time.Duration) string {
	v := d.Seconds() * 1000
	switch {
	case v >= 10000:
		return fmt.Sprintf("%.1f s", v/1000)
	case v >= 100:
		return fmt.Sprintf("%.0f ms", v)
	case v >= 10:
		return fmt.Sprintf("%.1f ms", v)
	case v >= 1:
		return fmt.Sprintf("%.2f ms", v)
	}
	return fmt.Sprintf("%.3f ms", v)
}

func secs(s float64) string { return fmt.Sprintf("%.1f s", s) }

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

// thousands writes n rounded with thin separators, as the targets are.
func thousands(n float64) string {
	s := fmt.Sprintf("%.0f", n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

type env struct {
	cores                  int
	cpu, goVersion, engine string
	memory, load, kernel   string
	// settings are PostgreSQL's memory settings, which bound what it can
	// cache; empty with SQLite, whose caches the service sets itself.
	settings string
}

func machine(raw *rawSQL) env {
	e := env{cores: runtime.NumCPU(), goVersion: runtime.Version()}
	if out, err := exec.Command("nproc").Output(); err == nil {
		fmt.Sscan(string(out), &e.cores)
	}
	e.cpu = procField("/proc/cpuinfo", "model name")
	e.memory = procField("/proc/meminfo", "MemTotal")
	var kb int64
	if _, err := fmt.Sscanf(e.memory, "%d kB", &kb); err == nil {
		e.memory = fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		e.load = strings.Join(strings.Fields(string(b))[:3], " ")
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		e.kernel = strings.TrimSpace(string(b))
	}
	e.engine = raw.version()
	if raw.pg {
		var parts []string
		for _, name := range []string{"shared_buffers", "work_mem", "effective_cache_size", "max_connections"} {
			var v string
			if raw.db.QueryRow("SHOW "+name).Scan(&v) == nil {
				parts = append(parts, name+" "+v)
			}
		}
		e.settings = strings.Join(parts, ", ")
	}
	return e
}

func procField(path, key string) string {
	f, err := os.Open(path)
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

type report struct {
	cfg     config
	env     env
	ds      *dataset
	rows    []row
	date    time.Time
	took    time.Duration
	command string
}

// table renders the rows as a Markdown table, which reads as well on a
// terminal as in the document.
func (r report) table() string {
	var b strings.Builder
	b.WriteString("| operation | our median | our p99 | raw SQL median | ratio | target | met? |\n")
	b.WriteString("| --- | ---: | ---: | ---: | ---: | --- | --- |\n")
	for _, x := range r.rows {
		op := x.Op
		if x.Note != "" {
			op += " <br><sub>" + x.Note + "</sub>"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n", op, x.Ours, x.P99, x.Raw, x.Ratio, dash(x.Target), dash(x.Met))
	}
	return b.String()
}

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func (r report) misses() string {
	var b strings.Builder
	for _, x := range r.rows {
		if x.miss != "" {
			fmt.Fprintf(&b, "- %s: target %s, measured %s.\n", x.Op, x.Target, x.miss)
		}
	}
	return b.String()
}

func (r report) differences() string {
	var b strings.Builder
	for _, x := range r.rows {
		if x.differs != "" {
			fmt.Fprintf(&b, "- %s: %s\n", x.Op, x.differs)
		}
	}
	return b.String()
}

// plain renders the rows aligned for a terminal, notes numbered below.
func (r report) plain() string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "operation\tour median\tour p99\traw SQL median\tratio\ttarget\tmet?")
	var notes []string
	for _, x := range r.rows {
		op := x.Op
		if x.Note != "" {
			notes = append(notes, x.Note)
			op += fmt.Sprintf(" [%d]", len(notes))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", op, x.Ours, x.P99, x.Raw, x.Ratio, dash(x.Target), strings.Trim(dash(x.Met), "*"))
	}
	tw.Flush()
	for i, n := range notes {
		fmt.Fprintf(&b, "[%d] %s\n", i+1, n)
	}
	return b.String()
}

func (r report) text() string {
	var b strings.Builder
	b.WriteString(r.plain())
	if m := r.misses(); m != "" {
		b.WriteString("\nTargets missed:\n" + m)
	}
	if d := r.differences(); d != "" {
		b.WriteString("\nAnswers that differ between the service and the SQL (check before trusting the ratio):\n" + d)
	}
	fmt.Fprintf(&b, "\n%d incidents; %d cores, %s; load average %s; %s; %s; took %s\n", r.ds.N, r.env.cores, r.env.cpu, r.env.load, r.env.goVersion,
		r.env.engine, r.took.Round(time.Second))
	return b.String()
}

// section is the generated part of the document, between the markers;
// what is outside them is written by hand and kept.
func (r report) section() string {
	if r.ds.pg {
		return r.sectionPG()
	}
	var b strings.Builder
	ds := r.ds
	fmt.Fprintf(&b, "Measured %s UTC with `%s` on %s synthetic incidents (seed %d).\n\n", r.date.UTC().Format("2006-01-02 15:04"), r.command,
		thousands(float64(ds.N)), ds.Seed)
	fmt.Fprintf(&b, "Machine: %d cores (`nproc`), %s, %s memory, Linux %s; load average at the end %s. %s; %s "+
		"(compiled into the service and the raw SQL side alike)", r.env.cores, r.env.cpu, r.env.memory, r.env.kernel, r.env.load,
		r.env.goVersion, r.env.engine)
	if ds.SQLiteCLI != "" {
		fmt.Fprintf(&b, "; sqlite3 shell %s for the import and size baselines", ds.SQLiteCLI)
	}
	fmt.Fprintf(&b, ". The whole run took %s.\n\n", r.took.Round(time.Second))
	r.results(&b)
	b.WriteString("\nData set and file figures (measured when the database was built, " + ds.Built.Format("2006-01-02") + "):\n\n")
	fmt.Fprintf(&b, "- `incidentdb gen`: %s of CSV in %s.\n", mib(ds.CSVBytes), secs(ds.GenSeconds))
	fmt.Fprintf(&b, "- `incidentdb import`: %s (%s incidents/s), peak RSS %s; it said: `%s`.\n", secs(ds.ImportSeconds),
		thousands(float64(ds.N)/ds.ImportSeconds), mib(ds.ImportMaxRSS*1024), ds.ImportSays)
	if ds.BaselineSeconds > 0 {
		fmt.Fprintf(&b, "- sqlite3 shell into the same schema: %s (%s), %s incidents.\n", secs(ds.BaselineSeconds), steps(ds.BaselineSteps),
			thousands(float64(ds.BaselineIncident)))
		fmt.Fprintf(&b, "- sqlite3 shell into one flat table, indexes built after: %s.\n", secs(ds.FlatSeconds))
		fmt.Fprintf(&b, "- Files: ours %s, the same schema loaded by sqlite3 %s, the flat table %s (CSV %s).\n",
			mib(ds.DBBytes), mib(ds.BaselineBytes), mib(ds.FlatBytes), mib(ds.CSVBytes))
	} else {
		fmt.Fprintf(&b, "- Baselines not measured: %s.\n", ds.BaselineSkipped)
	}
	if len(ds.DBObjects) > 0 {
		fmt.Fprintf(&b, "- Our file by table, indexes included (dbstat): %s.\n", bigTables(ds.DBObjects))
	}
	return b.String()
}

// sectionPG is the generated part of the document for PostgreSQL.
func (r report) sectionPG() string {
	var b strings.Builder
	ds := r.ds
	fmt.Fprintf(&b, "Measured %s UTC with `%s` on %s synthetic incidents (seed %d), against PostgreSQL.\n\n",
		r.date.UTC().Format("2006-01-02 15:04"), r.command, thousands(float64(ds.N)), ds.Seed)
	fmt.Fprintf(&b, "Machine: %d cores (`nproc`), %s, %s memory, Linux %s; load average at the end %s. %s; %s on the same machine, "+
		"over TCP on loopback (%s); the service reaches it through GORM's PostgreSQL driver, the raw SQL side through pgx's "+
		"`database/sql` driver, the same pgx underneath", r.env.cores, r.env.cpu, r.env.memory, r.env.kernel, r.env.load,
		r.env.goVersion, r.env.engine, r.env.settings)
	if ds.PSQL != "" {
		fmt.Fprintf(&b, "; psql %s for the import and size baselines", ds.PSQL)
	}
	fmt.Fprintf(&b, ". The whole run took %s.\n\n", r.took.Round(time.Second))
	r.results(&b)
	b.WriteString("\nData set and database figures (measured when the database was built, " + ds.Built.Format("2006-01-02") + "):\n\n")
	fmt.Fprintf(&b, "- `incidentdb gen`: %s of CSV in %s.\n", mib(ds.CSVBytes), secs(ds.GenSeconds))
	fmt.Fprintf(&b, "- `incidentdb import`: %s (%s incidents/s), peak RSS of the CLI %s; it said: `%s`. "+
		"`VACUUM (ANALYZE)` after it, not counted: %s.\n", secs(ds.ImportSeconds),
		thousands(float64(ds.N)/ds.ImportSeconds), mib(ds.ImportMaxRSS*1024), ds.ImportSays, secs(ds.VacuumSeconds))
	if ds.BaselineSeconds > 0 {
		fmt.Fprintf(&b, "- psql into the same schema: %s (%s), %s incidents.\n", secs(ds.BaselineSeconds), steps(ds.BaselineSteps),
			thousands(float64(ds.BaselineIncident)))
		fmt.Fprintf(&b, "- psql into one flat table, indexes built after: %s.\n", secs(ds.FlatSeconds))
		fmt.Fprintf(&b, "- Sizes (tables with indexes, TOAST and maps, after `VACUUM (ANALYZE)`): ours %s, the same schema loaded by psql %s, "+
			"the flat table %s (CSV %s); `pg_database_size` of ours %s.\n",
			mib(ds.DBBytes), mib(ds.BaselineBytes), mib(ds.FlatBytes), mib(ds.CSVBytes), mib(ds.DBWholeBytes))
	} else {
		fmt.Fprintf(&b, "- Baselines not measured: %s.\n", ds.BaselineSkipped)
	}
	if len(ds.DBObjects) > 0 {
		fmt.Fprintf(&b, "- Our database by table, indexes and TOAST included (`pg_total_relation_size`): %s.\n", bigTables(ds.DBObjects))
	}
	return b.String()
}

// results is the table with the targets missed and the answers that
// differ, which both engines' sections share.
func (r report) results(b *strings.Builder) {
	b.WriteString(r.table())
	if m := r.misses(); m != "" {
		b.WriteString("\nTargets missed, and by how much:\n\n" + m)
	}
	if d := r.differences(); d != "" {
		b.WriteString("\nAnswers that differ between the service and the SQL:\n\n" + d)
	}
}

func steps(list []step) string {
	var parts []string
	for _, s := range list {
		parts = append(parts, fmt.Sprintf("%s %.1f s", s.Name, s.Seconds))
	}
	return strings.Join(parts, ", ")
}

func bigTables(list []size) string {
	var parts []string
	for _, o := range list {
		if o.Bytes >= 1<<20 {
			parts = append(parts, fmt.Sprintf("%s %s", o.Name, mib(o.Bytes)))
		}
	}
	return strings.Join(parts, ", ")
}

const (
	beginMarker   = "<!-- bench:begin (generated by cmd/bench; edit outside these markers) -->"
	endMarker     = "<!-- bench:end -->"
	pgBeginMarker = "<!-- bench-pg:begin (generated by cmd/bench -pg; edit outside these markers) -->"
	pgEndMarker   = "<!-- bench-pg:end -->"
)

// writeDoc replaces the generated part of the document that belongs to the
// engine measured, leaving the other engine's figures as they are. A
// document without that engine's markers gets them: the PostgreSQL part
// after the SQLite one, the SQLite part in a new document from the
// skeleton.
func (r report) writeDoc(path string) error {
	begin, end := beginMarker, endMarker
	if r.ds.pg {
		begin, end = pgBeginMarker, pgEndMarker
	}
	gen := begin + "\n" + r.section() + end
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	s := string(old)
	if err != nil || (!r.ds.pg && !strings.Contains(s, beginMarker)) {
		s = strings.Replace(skeleton, "{{generated}}", beginMarker+"\n"+endMarker, 1)
	}
	var doc string
	if i, j := strings.Index(s, begin), strings.Index(s, end); i >= 0 && j > i {
		doc = s[:i] + gen + s[j+len(end):]
	} else if j := strings.Index(s, endMarker); j >= 0 {
		j += len(endMarker)
		doc = s[:j] + "\n\n### PostgreSQL\n\n" + gen + s[j:]
	} else {
		doc = strings.TrimRight(s, "\n") + "\n\n### PostgreSQL\n\n" + gen + "\n"
	}
	return os.WriteFile(path, []byte(doc), 0o644)
}

const skeleton = "# Performance\n\n" +
	"How fast incidentdb is at a million incidents on a 2-core machine, and how far it trails what the database engine does by itself with the same rows.\n\n" +
	"Run `make bench`, and `make bench BENCH_PG=postgres://...` for PostgreSQL (minutes; never part of `make test` or CI). " +
	"Each rewrites its own part between the markers below.\n\n" +
	"{{generated}}\n"
