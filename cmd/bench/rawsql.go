package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"incidentdb/exchange"
	"incidentdb/models"
)

// rawSQL is the baseline: hand-written SQL on the same database, through
// database/sql and the same driver the service links (mattn/go-sqlite3, or
// pgx with -pg). The queries are what an analyst who knows the schema
// writes over the base tables: they use the indexed columns (region_key,
// the partial indexes' "deleted_at IS NULL") but never the totals tables
// the service maintains, and statements are prepared once, the best the
// engine can do. The same text runs on both engines: it uses nothing that
// SQLite and PostgreSQL spell differently but the placeholders.
//
// Queries run under a context that cannot be cancelled (see quiet), and
// the long loops check the real one themselves.
//
// Where the schema keeps the casualty lines and sources on the incident row
// as JSON (migration 0003), the SQL reads them there, as anyone who knows
// the schema would; before that, it reads the child tables.
type rawSQL struct {
	db    *sql.DB
	stmts map[string]*sql.Stmt
	onRow bool
	// pg: the same queries on PostgreSQL, through pgx's database/sql
	// driver, with the placeholders rebound.
	pg bool
}

func openRaw(ctx context.Context, ds *dataset) (*rawSQL, error) {
	if ds.pg {
		return openRawPG(ctx, ds.db)
	}
	// Read-only beside the running server, which WAL allows; the page
	// cache is the size of one of the server's reader connections.
	db, err := sql.Open("sqlite3", "file:"+ds.db+"?mode=ro&_busy_timeout=10000&_cache_size=-32768")
	if err != nil {
		return nil, err
	}
	return newRaw(ctx, db, false, "SELECT name FROM pragma_table_info(?)")
}

// openRawPG opens the bench's database read-only (every transaction of
// these sessions is), beside the server's own connections.
func openRawPG(ctx context.Context, dsn string) (*rawSQL, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return nil, err
	}
	q := u.Query()
	q.Set("default_transaction_read_only", "on")
	u.RawQuery = q.Encode()
	db, err := sql.Open("pgx", u.String())
	if err != nil {
		return nil, err
	}
	return newRaw(ctx, db, true, `SELECT column_name FROM information_schema.columns
WHERE table_schema = current_schema() AND table_name = $1`)
}

func newRaw(ctx context.Context, db *sql.DB, pg bool, columnsQuery string) (*rawSQL, error) {
	// Two connections because the export reads two cursors at once in one
	// transaction; every other query runs on one at a time.
	db.SetMaxOpenConns(2)
	db.SetMaxIdleConns(2)
	db.SetConnMaxLifetime(0)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, err
	}
	r := &rawSQL{db: db, stmts: map[string]*sql.Stmt{}, pg: pg}
	cols, err := columnsOf(ctx, db, columnsQuery, "incidents")
	if err != nil {
		db.Close()
		return nil, err
	}
	r.onRow = cols["casualties"] && cols["sources"]
	return r, nil
}

// bind turns the ? placeholders of the queries into PostgreSQL's $1, $2...
// None of the queries has a ? inside a literal.
func (r *rawSQL) bind(q string) string {
	if !r.pg {
		return q
	}
	var b strings.Builder
	n := 0
	for _, c := range q {
		if c == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

// version names the engine and its version, for the report.
func (r *rawSQL) version() string {
	var v string
	if r.pg {
		if r.db.QueryRow("SHOW server_version").Scan(&v) != nil {
			return "PostgreSQL (version unknown)"
		}
		return "PostgreSQL " + strings.Fields(v)[0]
	}
	if r.db.QueryRow("SELECT sqlite_version()").Scan(&v) != nil {
		return "SQLite (version unknown)"
	}
	return "SQLite " + v
}

// cols is the incident columns a reader needs, with the lists when the row
// has them.
func (r *rawSQL) cols() string {
	if r.onRow {
		return incidentCols + ", casualties, sources"
	}
	return incidentCols
}

func (r *rawSQL) close() {
	for _, st := range r.stmts {
		st.Close()
	}
	r.db.Close()
}

// quiet drops cancellation from ctx for the driver: given a context that
// can be cancelled, mattn/go-sqlite3 starts a goroutine for every row it
// steps (SQLiteRows.Next), which costs more than reading a narrow row and
// is not what SQLite itself costs. pgx watches a cancellable context with
// a goroutine of its own per query; the PostgreSQL side drops it too, so
// that both sides are measured alike.
func quiet(ctx context.Context) context.Context { return context.WithoutCancel(ctx) }

func (r *rawSQL) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	if st, ok := r.stmts[q]; ok {
		return st, nil
	}
	st, err := r.db.PrepareContext(quiet(ctx), r.bind(q))
	if err != nil {
		return nil, fmt.Errorf("%w\n%s", err, q)
	}
	r.stmts[q] = st
	return st, nil
}

// drain runs q and reads every column of every row, returning the row
// count: the work of materialising a result, without building anything.
func (r *rawSQL) drain(ctx context.Context, q string, args ...any) (int, error) {
	st, err := r.stmt(ctx, q)
	if err != nil {
		return 0, err
	}
	rows, err := st.QueryContext(quiet(ctx), args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	vals := make([]sql.RawBytes, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	n := 0
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return 0, err
		}
		n++
	}
	return n, rows.Err()
}

const incidentCols = `id, external_id, occurred_on, date_precision, mission, country, region, locality, latitude, longitude,
	type, summary, killed, wounded, forces, contributing_countries, created_at, updated_at, version`

func (r *rawSQL) getByID(ctx context.Context, id int64) error {
	n, err := r.drain(ctx, "SELECT "+r.cols()+" FROM incidents WHERE id = ? AND deleted_at IS NULL", id)
	if err != nil {
		return err
	}
	if n != 1 {
		return fmt.Errorf("incident %d: %d rows", id, n)
	}
	if r.onRow {
		return nil
	}
	if _, err := r.drain(ctx, "SELECT grp, force, nationality, killed, wounded FROM casualties WHERE incident_id = ? AND position >= 0 ORDER BY position", id); err != nil {
		return err
	}
	_, err = r.drain(ctx, "SELECT title, publisher, url, published_on, language FROM sources WHERE incident_id = ? ORDER BY position", id)
	return err
}

// listFilter is the part of the list filters the bench uses.
type listFilter struct {
	region, from, to string   // region as its folded key
	words            []string // q's words, folded
}

type keyset struct {
	occurred string
	id       int64
}

// page is one list page newest first, with the total and the children of
// its rows, as the API answers it. A keyset page leaves out the upper date
// bound, which the cursor makes redundant and which would make SQLite
// start the range at the bound instead of at the cursor.
func (r *rawSQL) page(ctx context.Context, f listFilter, after *keyset, limit int) (int64, []int64, error) {
	where := "deleted_at IS NULL"
	var args []any
	if f.region != "" {
		where += " AND region_key = ?"
		args = append(args, f.region)
	}
	if f.from != "" {
		where += " AND occurred_on >= ?"
		args = append(args, f.from)
	}
	if len(f.words) > 0 {
		// The text index of migration 0015, as each engine queries it.
		if r.pg {
			where += " AND id IN (SELECT incident_id FROM incident_text WHERE words @@ CAST(? AS tsquery))"
			args = append(args, "'"+strings.Join(f.words, "':* & '")+"':*")
		} else {
			where += " AND id IN (SELECT rowid FROM incident_text WHERE incident_text MATCH ?)"
			args = append(args, `"`+strings.Join(f.words, `"* AND "`)+`"*`)
		}
	}
	countWhere, countArgs := where, args
	if f.to != "" {
		countWhere += " AND occurred_on <= ?"
		countArgs = append(append([]any{}, args...), f.to)
	}
	pageWhere, pageArgs := countWhere, countArgs
	if after != nil {
		pageWhere = where + " AND (occurred_on, id) < (?, ?)"
		pageArgs = append(append([]any{}, args...), after.occurred, after.id)
	}
	st, err := r.stmt(ctx, "SELECT count(*) FROM incidents WHERE "+countWhere)
	if err != nil {
		return 0, nil, err
	}
	var total int64
	if err := st.QueryRowContext(quiet(ctx), countArgs...).Scan(&total); err != nil {
		return 0, nil, err
	}
	st, err = r.stmt(ctx, "SELECT "+r.cols()+" FROM incidents WHERE "+pageWhere+" ORDER BY occurred_on DESC, id DESC LIMIT "+strconv.Itoa(limit))
	if err != nil {
		return 0, nil, err
	}
	rows, err := st.QueryContext(quiet(ctx), pageArgs...)
	if err != nil {
		return 0, nil, err
	}
	defer rows.Close()
	vals := make([]sql.RawBytes, strings.Count(r.cols(), ",")+1)
	ptrs := make([]any, len(vals))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var ids []int64
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return 0, nil, err
		}
		id, _ := strconv.ParseInt(string(vals[0]), 10, 64)
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return 0, nil, err
	}
	if len(ids) == 0 || r.onRow {
		return total, ids, nil
	}
	in := "(" + strings.Repeat("?, ", len(ids)-1) + "?)"
	idArgs := make([]any, len(ids))
	for i, id := range ids {
		idArgs[i] = id
	}
	if _, err := r.drain(ctx, "SELECT incident_id, grp, force, nationality, killed, wounded FROM casualties WHERE position >= 0 AND incident_id IN "+in+
		" ORDER BY incident_id, position", idArgs...); err != nil {
		return 0, nil, err
	}
	_, err = r.drain(ctx, "SELECT incident_id, title, publisher, url, published_on, language FROM sources WHERE incident_id IN "+in+
		" ORDER BY incident_id, position", idArgs...)
	return total, ids, err
}

// counts is what every report row and total carries, as the API spells it.
type counts struct {
	Incidents int64 `json:"incidents"`
	Killed    int64 `json:"killed"`
	Wounded   int64 `json:"wounded"`
}

func (c *counts) add(o counts) {
	c.Incidents += o.Incidents
	c.Killed += o.Killed
	c.Wounded += o.Wounded
}

// rawReport is a report as one GROUP BY whose last three columns are the
// counts. The totals are the sum of its rows when every incident falls in
// one group; totals is the query for them when not (multi-valued
// dimensions, casualty lines).
type rawReport struct {
	rows, totals string
	args         []any
}

func (r *rawSQL) report(ctx context.Context, rr rawReport) (int, counts, error) {
	st, err := r.stmt(ctx, rr.rows)
	if err != nil {
		return 0, counts{}, err
	}
	rows, err := st.QueryContext(quiet(ctx), rr.args...)
	if err != nil {
		return 0, counts{}, err
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	labels := make([]sql.RawBytes, len(cols)-3)
	var c counts
	ptrs := make([]any, 0, len(cols))
	for i := range labels {
		ptrs = append(ptrs, &labels[i])
	}
	ptrs = append(ptrs, &c.Incidents, &c.Killed, &c.Wounded)
	n := 0
	var sum counts
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return 0, counts{}, err
		}
		sum.add(c)
		n++
	}
	if err := rows.Err(); err != nil {
		return 0, counts{}, err
	}
	if rr.totals != "" {
		st, err := r.stmt(ctx, rr.totals)
		if err != nil {
			return 0, counts{}, err
		}
		if err := st.QueryRowContext(quiet(ctx), rr.args...).Scan(&sum.Incidents, &sum.Killed, &sum.Wounded); err != nil {
			return 0, counts{}, err
		}
	}
	return n, sum, nil
}

// series runs q, which groups by day or month (first column) with the
// three counts, folds the groups into periods of interval and fills the
// empty ones from the first to the last, as the time series does.
func (r *rawSQL) series(ctx context.Context, q, interval string, args ...any) (int, counts, error) {
	st, err := r.stmt(ctx, q)
	if err != nil {
		return 0, counts{}, err
	}
	rows, err := st.QueryContext(quiet(ctx), args...)
	if err != nil {
		return 0, counts{}, err
	}
	defer rows.Close()
	by := map[string]counts{}
	var first, last time.Time
	var sum counts
	for rows.Next() {
		var key string
		var c counts
		if err := rows.Scan(&key, &c.Incidents, &c.Killed, &c.Wounded); err != nil {
			return 0, counts{}, err
		}
		layout := "2006-01-02"
		if len(key) == 7 {
			layout = "2006-01"
		}
		t, err := time.Parse(layout, key)
		if err != nil {
			return 0, counts{}, err
		}
		if first.IsZero() || t.Before(first) {
			first = t
		}
		if t.After(last) {
			last = t
		}
		p := period(t, interval)
		x := by[p]
		x.add(c)
		by[p] = x
		sum.add(c)
	}
	if err := rows.Err(); err != nil {
		return 0, counts{}, err
	}
	if first.IsZero() {
		return 0, sum, nil
	}
	if interval == "week" {
		first = first.AddDate(0, 0, -((int(first.Weekday()) + 6) % 7))
	}
	var points []counts
	for t := first; !t.After(last); {
		points = append(points, by[period(t, interval)])
		if interval == "week" {
			t = t.AddDate(0, 0, 7)
		} else {
			t = t.AddDate(0, 1, 0)
		}
	}
	return len(points), sum, nil
}

func period(t time.Time, interval string) string {
	if interval == "week" {
		y, w := t.ISOWeek()
		return fmt.Sprintf("%04d-W%02d", y, w)
	}
	return t.Format("2006-01")
}

// csvHeader is our CSV's header.
var csvHeader = strings.Split("id,external_id,occurred_on,date_precision,mission,country,region,locality,latitude,longitude,type,summary,"+
	"killed,wounded,forces,contributing_countries,casualties,sources,created_at,updated_at,version", ",")

// exportCSV streams every live incident in id order and writes our CSV
// columns with encoding/csv, so that the comparison includes encoding as
// the service's does. With the lists on the row it is one SELECT over
// incidents whose JSON cells are written as they are.
func (r *rawSQL) exportCSV(ctx context.Context, out io.Writer) (int64, error) {
	if !r.onRow {
		return r.exportJoinCSV(ctx, out)
	}
	rows, err := r.db.QueryContext(quiet(ctx), "SELECT "+r.cols()+" FROM incidents WHERE deleted_at IS NULL ORDER BY id")
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	buf := bufio.NewWriterSize(out, 64<<10)
	w := csv.NewWriter(buf)
	if err := w.Write(csvHeader); err != nil {
		return 0, err
	}
	var v [21]sql.NullString
	ptrs := make([]any, len(v))
	for i := range v {
		ptrs[i] = &v[i]
	}
	rec := make([]string, 21)
	var n int64
	for rows.Next() {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return 0, err
			}
		}
		if err := rows.Scan(ptrs...); err != nil {
			return 0, err
		}
		for i := range 14 {
			rec[i] = v[i].String
		}
		for _, i := range textCols {
			rec[i] = guard(rec[i])
		}
		rec[14], rec[15] = joinList(v[14].String), joinList(v[15].String)
		rec[16], rec[17] = v[19].String, v[20].String
		rec[18], rec[19], rec[20] = v[16].String, v[17].String, v[18].String
		if err := w.Write(rec); err != nil {
			return 0, err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return 0, err
	}
	return n, buf.Flush()
}

// exportJoinCSV is the export for a schema that keeps the lists in child
// tables only: the casualty lines by a join, in id order, and the sources
// by a second cursor merged by id in the same read transaction.
func (r *rawSQL) exportJoinCSV(ctx context.Context, out io.Writer) (int64, error) {
	tx, err := r.db.BeginTx(quiet(ctx), &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(quiet(ctx), `SELECT i.id, i.external_id, i.occurred_on, i.date_precision, i.mission, i.country, i.region, i.locality,
	i.latitude, i.longitude, i.type, i.summary, i.killed, i.wounded, i.forces, i.contributing_countries, i.created_at, i.updated_at, i.version,
	c.grp, c.force, c.nationality, c.killed, c.wounded
FROM incidents i LEFT JOIN casualties c ON c.incident_id = i.id AND c.position >= 0
WHERE i.deleted_at IS NULL ORDER BY i.id, c.position`)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	srcRows, err := tx.QueryContext(quiet(ctx), `SELECT incident_id, title, publisher, url, published_on, language FROM sources ORDER BY incident_id, position`)
	if err != nil {
		return 0, err
	}
	defer srcRows.Close()
	src := &sourceCursor{rows: srcRows, list: make([]models.Source, 0, 4)}

	buf := bufio.NewWriterSize(out, 64<<10)
	w := csv.NewWriter(buf)
	if err := w.Write(csvHeader); err != nil {
		return 0, err
	}
	var (
		inc     [19]sql.NullString
		cas     [5]sql.NullString
		lines         = make([]models.Casualty, 0, 8)
		rec           = make([]string, 21)
		current int64 = -1
		n       int64
	)
	ptrs := make([]any, 0, 24)
	for i := range inc {
		ptrs = append(ptrs, &inc[i])
	}
	for i := range cas {
		ptrs = append(ptrs, &cas[i])
	}
	flush := func() error {
		if current < 0 {
			return nil
		}
		cell, err := json.Marshal(lines)
		if err != nil {
			return err
		}
		rec[16] = string(cell)
		if rec[17], err = src.cell(current); err != nil {
			return err
		}
		n++
		return w.Write(rec)
	}
	for step := 0; rows.Next(); step++ {
		if step%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return 0, err
			}
		}
		if err := rows.Scan(ptrs...); err != nil {
			return 0, err
		}
		id, _ := strconv.ParseInt(inc[0].String, 10, 64)
		if id != current {
			if err := flush(); err != nil {
				return 0, err
			}
			current, lines = id, lines[:0]
			for i := range 14 {
				rec[i] = inc[i].String
			}
			for _, i := range textCols {
				rec[i] = guard(rec[i])
			}
			rec[14], rec[15] = joinList(inc[14].String), joinList(inc[15].String)
			rec[18], rec[19], rec[20] = inc[16].String, inc[17].String, inc[18].String
		}
		if cas[0].Valid {
			k, _ := strconv.Atoi(cas[3].String)
			wd, _ := strconv.Atoi(cas[4].String)
			lines = append(lines, models.Casualty{Group: models.Group(cas[0].String), Force: nullable(cas[1]), Nationality: nullable(cas[2]), Killed: &k, Wounded: &wd})
		}
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	if err := flush(); err != nil {
		return 0, err
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return 0, err
	}
	return n, buf.Flush()
}

// textCols are the CSV columns (external_id, mission, country, region,
// locality, summary) that get the formula guard; numbers and codes never
// start with one of its characters except a minus sign, which is data.
var textCols = []int{exchange.CellExternalID, exchange.CellMission, exchange.CellCountry, exchange.CellRegion, exchange.CellLocality, exchange.CellSummary}

// sourceCursor walks the sources in incident order beside the incidents.
type sourceCursor struct {
	rows    *sql.Rows
	pending *models.Source
	id      int64
	done    bool
	list    []models.Source
}

func (s *sourceCursor) cell(id int64) (string, error) {
	s.list = s.list[:0]
	for !s.done {
		if s.pending == nil {
			if !s.rows.Next() {
				s.done = true
				if err := s.rows.Err(); err != nil {
					return "", err
				}
				break
			}
			var v [6]sql.NullString
			if err := s.rows.Scan(&v[0], &v[1], &v[2], &v[3], &v[4], &v[5]); err != nil {
				return "", err
			}
			s.id, _ = strconv.ParseInt(v[0].String, 10, 64)
			s.pending = &models.Source{Title: v[1].String, Publisher: nullable(v[2]), URL: nullable(v[3]), PublishedOn: nullable(v[4]), Language: nullable(v[5])}
		}
		if s.id > id {
			break
		}
		if s.id == id {
			s.list = append(s.list, *s.pending)
		}
		s.pending = nil
	}
	b, err := json.Marshal(s.list)
	return string(b), err
}

func nullable(v sql.NullString) *string {
	if !v.Valid {
		return nil
	}
	return &v.String
}

func joinList(js string) string {
	var items []string
	_ = json.Unmarshal([]byte(js), &items)
	for i, it := range items {
		items[i] = guard(it)
	}
	return strings.Join(items, ";")
}

// guard is the formula guard of our CSV, for cells that carry text.
func guard(s string) string {
	if s != "" && strings.IndexByte("=+-@\t\r", s[0]) >= 0 {
		return "'" + s
	}
	return s
}
