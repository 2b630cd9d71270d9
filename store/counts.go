package store

import (
	"context"
	"fmt"
	"sync"

	"incidentdb/models"
)

// countCache keeps the totals of list pages until the data changes. The
// count is most of a first page's cost at a million incidents (every
// matching row is visited, on PostgreSQL without an index-only shortcut),
// and a dashboard or a mirror asks the same filter again and again; the
// store's generation, bumped by every write in the same transaction,
// says when a count is stale.
type countCache struct {
	mu  sync.Mutex
	gen int64
	m   map[string]int64
}

// countCacheSize bounds the cache: a client can make up filters forever.
const countCacheSize = 1024

func (c *countCache) get(gen int64, key string) (int64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return 0, false
	}
	n, ok := c.m[key]
	return n, ok
}

func (c *countCache) put(gen int64, key string, n int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen || c.m == nil || len(c.m) >= countCacheSize {
		if gen < c.gen {
			return
		}
		c.gen, c.m = gen, map[string]int64{}
	}
	c.m[key] = n
}

// countMatching counts the live incidents of a rendered filter, from the
// cache when the data has not changed since. The generation is read
// before the count: a write between the two leaves an entry under a
// generation no later request reads.
// A filter blind to summaries and localities is counted again only after
// a write that can move a count, so that edits of the text alone (the
// most common kind) leave its count cached.
func (s *Store) countMatching(ctx context.Context, f models.Filter, cond string, args []any) (int64, error) {
	gen, countsGen, err := s.Generations(ctx)
	if err != nil {
		return 0, err
	}
	cache := &s.counts
	if !f.SeesEveryEdit() {
		gen, cache = countsGen, &s.blindCounts
	}
	key := cond + "\x00" + fmt.Sprintf("%#v", args)
	if n, ok := cache.get(gen, key); ok {
		return n, nil
	}
	var total int64
	if countableFromTotals(f) {
		// The maintained totals count the live incidents of every filter
		// they keep: a count that would visit a region's every row reads a
		// few totals rows instead, also right after a write.
		rep, err := s.CasualtyReport(ctx, f, []models.Dimension{"type"})
		if err != nil {
			return 0, err
		}
		total = rep.Totals.Incidents
	} else if err := s.r.WithContext(ctx).Raw("SELECT count(*) FROM incidents i WHERE "+cond, args...).Scan(&total).Error; err != nil {
		return 0, internal("count incidents", err)
	}
	cache.put(gen, key, total)
	return total, nil
}

// countableFromTotals says the totals tables hold f's count: a filter of
// live incidents by what they key (region, country, mission, type,
// dataset, dates on their periods).
func countableFromTotals(f models.Filter) bool {
	return !f.Deleted && f.UpdatedSince == nil && totalsTableFor(f, []models.Dimension{"type"}) != ""
}
