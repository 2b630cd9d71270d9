package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unsafe"

	"gorm.io/gorm"

	"incidentdb/exchange"
	"incidentdb/models"
)

// storedChunk is up to exportChunk rows of an export on their way from the
// goroutine reading SQLite to the one writing the file.
type storedChunk struct {
	arena []byte // the values of storedSQL, one after the other
	ends  []int  // where each ends in arena
	text  string // arena as a string, which the cells are cut from
	// odd holds, by position, the rows whose value does not split into
	// cells (a NUL in text written around the service): the reader reads
	// them again column by column, as only it can inside the transaction.
	odd map[int]*exchange.StoredRow
}

// eachStoredSQLite reads on other goroutines and calls fn on the caller's:
// on two cores the database and the CSV encoding each get one. A whole-table
// export, the largest, is read by two goroutines on two connections taking
// turns by id range, when the two read transactions are sure to see the
// same data (the data generation is the same in both).
func (s *Store) eachStoredSQLite(ctx context.Context, f models.Filter, fn func(*exchange.StoredRow) error) error {
	if wholeTable(f) {
		err := s.eachStoredChunks(ctx, fn, 2, func(part, parts int, free <-chan *storedChunk, full chan<- *storedChunk, stop <-chan struct{}, gens chan<- int64, agreed <-chan bool) error {
			return s.readStoredRanges(ctx, f, part, parts, free, full, stop, gens, agreed)
		})
		if !errors.Is(err, errSnapshotsDiffer) {
			return err
		}
	}
	return s.eachStoredChunks(ctx, fn, 1, func(_, _ int, free <-chan *storedChunk, full chan<- *storedChunk, stop <-chan struct{}, _ chan<- int64, _ <-chan bool) error {
		return s.readStored(ctx, f, free, full, stop)
	})
}

// wholeTable reports whether f selects every live (or every deleted)
// incident, which is read by id ranges.
func wholeTable(f models.Filter) bool {
	cond, _ := where(sqliteDialect{}, f)
	return !strings.Contains(cond, " AND ")
}

var (
	errExportStopped   = errors.New("store: export stopped by its writer")
	errSnapshotsDiffer = errors.New("store: the export's read transactions see different data")
)

// storedReader reads its part of an export's chunks into full, in order.
// With more than one part, it first sends the data generation its
// transaction sees on gens and goes on only if agreed says all parts see
// the same.
type storedReader func(part, parts int, free <-chan *storedChunk, full chan<- *storedChunk, stop <-chan struct{}, gens chan<- int64, agreed <-chan bool) error

// eachStoredChunks runs parts readers, each a chunk or two ahead, and
// calls fn on every row of their chunks, taking a chunk from each part in
// turn.
func (s *Store) eachStoredChunks(ctx context.Context, fn func(*exchange.StoredRow) error, parts int, read storedReader) error {
	const inFlight = 3
	full := make([]chan *storedChunk, parts)
	free := make([]chan *storedChunk, parts)
	readErr := make([]error, parts)
	stop := make(chan struct{})
	gens := make(chan int64, parts)
	agreed := make([]chan bool, parts)
	for p := range parts {
		full[p] = make(chan *storedChunk, inFlight)
		free[p] = make(chan *storedChunk, inFlight)
		for range inFlight {
			free[p] <- &storedChunk{}
		}
		agreed[p] = make(chan bool, 1)
		go func() {
			defer close(full[p])
			readErr[p] = read(p, parts, free[p], full[p], stop, gens, agreed[p])
		}()
	}
	if parts > 1 {
		first := <-gens
		same := true
		for range parts - 1 {
			same = same && <-gens == first
		}
		for p := range parts {
			agreed[p] <- same
		}
	}
	var err error
	var row exchange.StoredRow
	stopped := false
	halt := func() {
		if !stopped {
			stopped = true
			close(stop)
		}
	}
	for k := 0; err == nil; k++ {
		c, ok := <-full[k%parts]
		if !ok {
			break
		}
		// The readers may be chunks ahead of a cancelled request.
		err = ctx.Err()
		start := 0
		for i, end := range c.ends {
			if err != nil {
				break
			}
			if r, ok := c.odd[i]; ok {
				err = fn(r)
			} else if err = splitStored(c.text[start:end], &row); err == nil {
				err = fn(&row)
			}
			start = end
		}
		free[k%parts] <- c
	}
	halt()
	for p := range parts {
		for c := range full[p] {
			free[p] <- c
		}
	}
	if err != nil {
		return err
	}
	for _, e := range readErr {
		if e != nil && !errors.Is(e, errExportStopped) {
			if errors.Is(e, errSnapshotsDiffer) {
				return e
			}
			return internal("export", e)
		}
	}
	return nil
}

// readStored reads the chunks of an export by keyset, one after another.
func (s *Store) readStored(ctx context.Context, f models.Filter, free <-chan *storedChunk, full chan<- *storedChunk, stop <-chan struct{}) error {
	return s.long.WithContext(context.WithoutCancel(ctx)).Transaction(func(tx *gorm.DB) error {
		cond, args := where(s.d, f)
		q := "SELECT " + storedSQL + " FROM incidents i WHERE " + cond + " AND i.id > ? ORDER BY i.id LIMIT ?"
		var after int64
		for {
			c, err := emptyChunk(ctx, free, stop)
			if err != nil {
				return err
			}
			last, err := s.readChunk(tx, q, append(args, after, exportChunk), c)
			if err != nil {
				return err
			}
			n := len(c.ends)
			if n > 0 {
				after = last
			}
			select {
			case full <- c:
			case <-stop:
				return errExportStopped
			}
			if n < exportChunk {
				return nil
			}
		}
	}, s.snapshot())
}

// readStoredRanges reads part of a whole-table export: the id ranges of
// exportChunk ids numbered part, part+parts, part+2*parts...
func (s *Store) readStoredRanges(ctx context.Context, f models.Filter, part, parts int, free <-chan *storedChunk, full chan<- *storedChunk, stop <-chan struct{}, gens chan<- int64, agreed <-chan bool) error {
	return s.long.WithContext(context.WithoutCancel(ctx)).Transaction(func(tx *gorm.DB) error {
		// The first read starts the transaction's snapshot.
		var gen int64
		if err := tx.Raw("SELECT value FROM meta WHERE key = 'generation'").Scan(&gen).Error; err != nil {
			gens <- -1 - int64(part) // never agrees
			<-agreed
			return err
		}
		gens <- gen
		if !<-agreed {
			return errSnapshotsDiffer
		}
		var bounds struct{ Lo, Hi int64 }
		if err := tx.Raw("SELECT coalesce(min(id), 0) AS lo, coalesce(max(id), -1) AS hi FROM incidents").Scan(&bounds).Error; err != nil {
			return err
		}
		cond, args := where(s.d, f)
		q := "SELECT " + storedSQL + " FROM incidents i WHERE " + cond + " AND i.id >= ? AND i.id < ? ORDER BY i.id"
		for k := int64(part); ; k += int64(parts) {
			lo := bounds.Lo + k*exportChunk
			if lo > bounds.Hi {
				return nil
			}
			c, err := emptyChunk(ctx, free, stop)
			if err != nil {
				return err
			}
			if _, err := s.readChunk(tx, q, append(args, lo, lo+exportChunk), c); err != nil {
				return err
			}
			select {
			case full <- c:
			case <-stop:
				return errExportStopped
			}
		}
	}, s.snapshot())
}

// emptyChunk waits for a chunk the writer is done with, unless the export
// is cancelled or stopped.
func emptyChunk(ctx context.Context, free <-chan *storedChunk, stop <-chan struct{}) (*storedChunk, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	select {
	case c := <-free:
		return c, nil
	case <-stop:
		return nil, errExportStopped
	}
}

// readChunk reads the values of one chunk query into c and returns the
// last incident's id.
func (s *Store) readChunk(tx *gorm.DB, q string, args []any, c *storedChunk) (int64, error) {
	rows, err := tx.Raw(q, args...).Rows()
	if err != nil {
		return 0, err
	}
	c.arena, c.ends = c.arena[:0], c.ends[:0]
	clear(c.odd)
	for rows.Next() {
		var rec sql.RawBytes
		if err := rows.Scan(&rec); err != nil {
			rows.Close()
			return 0, err
		}
		c.arena = append(c.arena, rec...)
		c.ends = append(c.ends, len(c.arena))
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return 0, err
	}
	// The cells are substrings of the chunk's bytes, not copies: the chunk
	// is read again only after fn has had all its rows, and fn may not keep
	// a row (EachStored says so). A copy per chunk was a megabyte of
	// garbage every two thousand rows.
	c.text = unsafe.String(unsafe.SliceData(c.arena), len(c.arena))
	var last int64
	start := 0
	for i, end := range c.ends {
		rec := c.text[start:end]
		start = end
		idText, _, _ := strings.Cut(rec, "\x00")
		if last, err = strconv.ParseInt(idText, 10, 64); err != nil {
			return 0, err
		}
		if strings.Count(rec, "\x00") == exchange.NumColumns-1 {
			continue
		}
		rs, err := queryIncidents(tx, "SELECT "+incidentColumns+" FROM incidents i WHERE i.id = ?", last)
		if err != nil {
			return 0, err
		}
		if len(rs) != 1 {
			return 0, sql.ErrNoRows
		}
		if c.odd == nil {
			c.odd = map[int]*exchange.StoredRow{}
		}
		c.odd[i] = new(exchange.StoredRow)
		storedFromRow(&rs[0], c.odd[i])
	}
	return last, nil
}

// splitStored cuts a value of storedSQL, which holds exactly the cells of
// a row, into row.
func splitStored(rec string, row *exchange.StoredRow) error {
	for i := range exchange.NumColumns - 1 {
		j := strings.IndexByte(rec, 0)
		row[i], rec = rec[:j], rec[j+1:]
	}
	row[exchange.NumColumns-1] = rec
	lat, lon := &row[exchange.CellLatitude], &row[exchange.CellLongitude]
	var ok1, ok2 bool
	*lat, ok1 = storedCoordinate(*lat)
	*lon, ok2 = storedCoordinate(*lon)
	if !ok1 || !ok2 {
		return fmt.Errorf("store: incident %s has coordinates %q, %q the export cannot read", row[exchange.CellID], *lat, *lon)
	}
	return nil
}

// storedCoordinate turns a coordinate of storedSQL into the text our CSV
// uses: Go's shortest representation that reads back as the same number.
func storedCoordinate(s string) (string, bool) {
	if s == "" {
		return "", true
	}
	var f float64
	if s[0] == 'g' {
		var err error
		if f, err = strconv.ParseFloat(s[1:], 64); err != nil {
			return "", false
		}
	} else {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return "", false
		}
		// The same division SQLite checked against the stored value.
		f = float64(n) / 1e7
	}
	return strconv.FormatFloat(f, 'f', -1, 64), true
}
