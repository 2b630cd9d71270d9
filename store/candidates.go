package store

import (
	"container/heap"
	"context"
	"database/sql"
	"slices"
	"time"

	"gorm.io/gorm"

	"incidentdb/models"
)

// maxCandidatePool bounds the incidents a candidate search scores: the
// live incidents of the same mission or host country within the window,
// which for one attack are tens.
const maxCandidatePool = 2000

// Candidates lists the live incidents that may record the same attack as
// incident id, best first.
func (s *Store) Candidates(ctx context.Context, id int64, window int) ([]models.Candidate, error) {
	var out []models.Candidate
	err := s.r.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		inc, err := getRow(tx, id, false, "")
		if err != nil {
			return err
		}
		pool, err := candidatePool(tx, &inc, window, nil)
		if err != nil {
			return err
		}
		out = models.RankCandidates(&inc, pool, window)
		return nil
	}, &sql.TxOptions{ReadOnly: true})
	return out, internal("candidates", err)
}

// candidatePool reads the live incidents dated within window days of inc
// of its mission or host country, but for those in skip.
func candidatePool(tx *gorm.DB, inc *models.Incident, window int, skip map[int64]bool) ([]models.Incident, error) {
	day, err := time.Parse(models.DateLayout, inc.OccurredOn)
	if err != nil {
		return nil, err
	}
	from, to := day.AddDate(0, 0, -window).Format(models.DateLayout), day.AddDate(0, 0, window).Format(models.DateLayout)
	pool, err := poolBetween(tx, inc, from, to, maxCandidatePool, skip)
	return slices.DeleteFunc(pool, func(c models.Incident) bool { return c.ID == inc.ID }), err
}

// poolBetween reads the live incidents of inc's mission or host country
// dated from from to to, at most limit, but for those in skip.
func poolBetween(tx *gorm.DB, inc *models.Incident, from, to string, limit int, skip map[int64]bool) ([]models.Incident, error) {
	if inc.Mission == nil && inc.Country == nil {
		return nil, nil
	}
	// Two ranges on the (mission_key, occurred_on) and (country,
	// occurred_on) indexes: with OR between them the planner walks every
	// incident of the window's dates instead. Only what MatchScore and a
	// Candidate read is selected: a week of a busy mission is thousands
	// of incidents, and decoding their summaries, sources and claims was
	// most of a linking import.
	in := "SELECT i.id FROM incidents i WHERE i.deleted_at IS NULL AND i.occurred_on >= ? AND i.occurred_on <= ? AND "
	rows, err := tx.Raw("SELECT "+scoredColumns+" FROM incidents i WHERE i.id IN ("+in+"i.mission_key = ? UNION "+in+"i.country = ?) ORDER BY i.id LIMIT ?",
		from, to, deref(foldPtr(inc.Mission)), from, to, deref(inc.Country), limit).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var pool []models.Incident
	for rows.Next() {
		c, err := scanScored(rows)
		if err != nil {
			return nil, err
		}
		if !skip[c.ID] {
			pool = append(pool, c)
		}
	}
	return pool, rows.Err()
}

// scoredColumns are what MatchScore and a Candidate read of an incident,
// in the order scanScored takes them.
const scoredColumns = "i.id, i.external_id, i.dataset, i.occurred_on, i.mission, i.country, i.region, i.killed, i.killed_known, i.forces, i.casualties"

func scanScored(rows rowScanner) (models.Incident, error) {
	var r incidentRow
	if err := rows.Scan(&r.ID, nullText{&r.ExternalID}, nullText{&r.Dataset}, &r.OccurredOn, nullText{&r.Mission}, nullText{&r.Country},
		nullText{&r.Region}, &r.Killed, &r.KilledKnown, &r.Forces, &r.Casualties); err != nil {
		return models.Incident{}, err
	}
	return models.Incident{ID: r.ID, ExternalID: r.ExternalID, Dataset: r.Dataset, OccurredOn: r.OccurredOn,
		Mission: r.Mission, Country: r.Country, Region: r.Region, Killed: figure(r.Killed, r.KilledKnown),
		Forces: parseList(r.Forces), Casualties: parseCasualties(r.Casualties)}, nil
}

// linkPools keeps the candidates read for one mission and country over a
// stretch of days, so that an import's records of the same mission and
// weeks (sorted so) read them once: a linking import of a dataset was
// thousands of reads of the same rows.
type linkPools struct {
	key, from, to string
	pool          []models.Incident
}

// linkAhead is how many days past a record's window a pool reads, for the
// records that follow it.
const linkAhead = 14

// maxLinkPool bounds a pool read for several records; past it a record
// reads its own.
const maxLinkPool = 20_000

func (lp *linkPools) candidates(tx *gorm.DB, inc *models.Incident, window int, skip map[int64]bool) ([]models.Incident, error) {
	day, err := time.Parse(models.DateLayout, inc.OccurredOn)
	if err != nil {
		return nil, err
	}
	from, to := day.AddDate(0, 0, -window).Format(models.DateLayout), day.AddDate(0, 0, window).Format(models.DateLayout)
	key := deref(foldPtr(inc.Mission)) + "|" + deref(inc.Country)
	if lp.key != key || from < lp.from || to > lp.to {
		lp.key, lp.from, lp.to = key, from, day.AddDate(0, 0, window+linkAhead).Format(models.DateLayout)
		if lp.pool, err = poolBetween(tx, inc, lp.from, lp.to, maxLinkPool+1, skip); err != nil {
			return nil, err
		}
		if len(lp.pool) > maxLinkPool {
			lp.key = ""
			return candidatePool(tx, inc, window, skip)
		}
	}
	var out []models.Incident
	for _, c := range lp.pool {
		if c.ID != inc.ID && c.OccurredOn >= from && c.OccurredOn <= to {
			out = append(out, c)
		}
	}
	return out, nil
}

// forget drops what the pools hold: a merge changed an incident in them.
func (lp *linkPools) forget() { lp.key = "" }

// MaxCandidateRange bounds the incidents a search over a range scores
// against each other.
const MaxCandidateRange = 50_000

// CandidatePairs lists the pairs of live incidents matching f that may
// record the same attack, best first, at most limit.
func (s *Store) CandidatePairs(ctx context.Context, f models.Filter, window, limit int) ([]models.CandidatePair, error) {
	var incs []models.Incident
	err := s.long.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		cond, args := where(s.d, f)
		rows, err := tx.Raw("SELECT "+scoredColumns+" FROM incidents i WHERE "+cond+" LIMIT ?", append(args, MaxCandidateRange+1)...).Rows()
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			if len(incs) == MaxCandidateRange {
				return models.FieldErrorf(models.Malformed, "too many incidents to pair", "from", "more than %d incidents match; narrow the filters (a month at a time)", MaxCandidateRange)
			}
			inc, err := scanScored(rows)
			if err != nil {
				return err
			}
			incs = append(incs, inc)
		}
		return rows.Err()
	}, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, internal("candidate pairs", err)
	}
	// By host country and region, then by date, so that each incident
	// meets only those that can be its attack: of the same place and within
	// the window. An incident whose country or region is not known can
	// match any of them: it joins every bucket of its country (or every
	// bucket), and pairs it is in are counted once.
	type place struct{ country, region string }
	buckets := map[place][]*models.Prepared{}
	shared := map[int64]bool{}
	var noCountry, noRegion []*models.Prepared
	for i := range incs {
		p := models.Prepare(&incs[i])
		switch {
		case incs[i].Country == nil:
			noCountry = append(noCountry, p)
		case incs[i].Region == nil:
			noRegion = append(noRegion, p)
		default:
			k := place{*incs[i].Country, deref(foldPtr(incs[i].Region))}
			buckets[k] = append(buckets[k], p)
		}
	}
	for _, p := range noRegion {
		buckets[place{*p.Inc.Country, ""}] = nil // the country's own, for its unplaced
	}
	if len(buckets) == 0 && len(noCountry) > 0 {
		buckets[place{}] = nil
	}
	for k := range buckets {
		for _, p := range noRegion {
			if *p.Inc.Country == k.country {
				buckets[k] = append(buckets[k], p)
			}
		}
		buckets[k] = append(buckets[k], noCountry...)
	}
	for _, p := range append(noRegion, noCountry...) {
		shared[p.Inc.ID] = true
	}
	// Only the best limit pairs are kept, in a heap: a month of a busy
	// mission is hundreds of thousands of pairs, and sorting them all was
	// most of the answer's time.
	top := &pairHeap{}
	met := map[[2]int64]bool{}
	for _, b := range buckets {
		slices.SortFunc(b, func(x, y *models.Prepared) int {
			if x.Day != y.Day {
				return x.Day - y.Day
			}
			return int(x.Inc.ID - y.Inc.ID)
		})
		for i := range b {
			for j := i + 1; j < len(b) && b[j].Day-b[i].Day <= window; j++ {
				ids := [2]int64{b[i].Inc.ID, b[j].Inc.ID}
				// Only two incidents that are both in several buckets can meet twice.
				twice := shared[ids[0]] && shared[ids[1]]
				if twice && met[ids] {
					continue
				}
				score, ok := b[i].QuickScore(b[j], window)
				if !ok || score <= 0 {
					continue
				}
				if twice {
					met[ids] = true
				}
				p := scoredPair{ids: ids, score: models.CandidateOf(b[i].Inc, score, nil).Score, a: b[i], b: b[j]}
				if top.Len() < limit {
					heap.Push(top, p)
				} else if p.better((*top)[0]) {
					(*top)[0] = p
					heap.Fix(top, 0)
				}
			}
		}
	}
	kept := make([]models.CandidatePair, top.Len())
	for i := len(kept) - 1; i >= 0; i-- {
		p := heap.Pop(top).(scoredPair)
		_, reasons, _ := p.a.Score(p.b, window)
		kept[i] = models.CandidatePair{IDs: p.ids, Score: p.score, Reasons: reasons}
	}
	return kept, nil
}

// scoredPair is a pair of incidents with its score, before its reasons.
type scoredPair struct {
	ids   [2]int64
	score float64
	a, b  *models.Prepared
}

// better orders pairs best first: by score, then by ids.
func (p scoredPair) better(q scoredPair) bool {
	if p.score != q.score {
		return p.score > q.score
	}
	if p.ids[0] != q.ids[0] {
		return p.ids[0] < q.ids[0]
	}
	return p.ids[1] < q.ids[1]
}

// pairHeap holds the worst kept pair on top.
type pairHeap []scoredPair

func (h pairHeap) Len() int           { return len(h) }
func (h pairHeap) Less(i, j int) bool { return h[j].better(h[i]) }
func (h pairHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *pairHeap) Push(x any)        { *h = append(*h, x.(scoredPair)) }
func (h *pairHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// Link attaches each incident of ids (an import's new records) to the
// stored incident that clearly records the same attack, by merging it in.
// A record whose casualty lines belong to different incidents (the UN's
// record of a day holds every death of the day: the Nigeriens of one
// attack, the Burkinabè of another) is split along its lines, each part
// merged into the incident whose lines share its nationalities, when every
// line's nationality is on exactly one of the close candidates. Any other
// record with several close candidates is left as it is and listed, for
// an editor to decide. Each step is a transaction of its own.
func (s *Store) Link(ctx context.Context, actor string, ids []int64, window int) ([]models.Linked, []models.Ambiguous, error) {
	linked, ambiguous := []models.Linked{}, []models.Ambiguous{}
	skip := make(map[int64]bool, len(ids))
	for _, id := range ids {
		skip[id] = true
	}
	// The records by mission, country and date, so that neighbours share
	// the rows they are compared with.
	records, err := s.incidentsByID(ctx, ids)
	if err != nil {
		return linked, ambiguous, err
	}
	slices.SortFunc(records, func(a, b models.Incident) int {
		ka, kb := deref(foldPtr(a.Mission))+"|"+deref(a.Country)+"|"+a.OccurredOn, deref(foldPtr(b.Mission))+"|"+deref(b.Country)+"|"+b.OccurredOn
		if ka != kb {
			if ka < kb {
				return -1
			}
			return 1
		}
		return int(a.ID - b.ID)
	})
	var pools linkPools
	for _, inc := range records {
		id := inc.ID
		var pool []models.Incident
		err := s.r.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			var err error
			pool, err = pools.candidates(tx, &inc, window, skip)
			return err
		}, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			return linked, ambiguous, internal("link", err)
		}
		ranked := models.RankCandidates(&inc, pool, window)
		var close []models.Candidate
		for _, c := range ranked {
			if c.Score >= models.LinkScore {
				close = append(close, c)
			}
		}
		merge := func(part int64, into models.Candidate) error {
			pools.forget()
			if _, err := s.Merge(ctx, actor, into.ID, part); err != nil {
				if models.ErrorCode(err) == models.Internal || models.ErrorCode(err) == "" {
					return err
				}
				ambiguous = append(ambiguous, models.Ambiguous{Incident: part, Candidates: []models.Candidate{into}, Reason: err.Error()})
				return nil
			}
			linked = append(linked, models.Linked{Incident: part, Into: into.ID, Score: into.Score})
			return nil
		}
		switch {
		case models.Clear(ranked):
			if err := merge(id, ranked[0]); err != nil {
				return linked, ambiguous, err
			}
		case len(close) > 1:
			parts := models.SplitByLines(&inc, close, pool)
			if parts == nil {
				ambiguous = append(ambiguous, models.Ambiguous{Incident: id, Candidates: close[:min(3, len(close))],
					Reason: "more than one incident is as likely, and the record's lines do not tell them apart; merge the right one by hand"})
				continue
			}
			partIDs, err := s.split(ctx, actor, inc, parts)
			if err != nil {
				return linked, ambiguous, err
			}
			for i, pid := range partIDs {
				if err := merge(pid, parts[i].Into); err != nil {
					return linked, ambiguous, err
				}
			}
		}
	}
	return linked, ambiguous, nil
}

// incidentsByID reads the live incidents of ids, a few hundred at a time.
func (s *Store) incidentsByID(ctx context.Context, ids []int64) ([]models.Incident, error) {
	var out []models.Incident
	for start := 0; start < len(ids); start += 500 {
		rows, err := queryIncidents(s.r.WithContext(ctx), "SELECT "+incidentColumns+" FROM incidents i WHERE i.deleted_at IS NULL AND i.id IN ?", ids[start:min(start+500, len(ids))])
		if err != nil {
			return nil, internal("link", err)
		}
		for _, r := range rows {
			out = append(out, fromRow(r))
		}
	}
	return out, nil
}

// split turns inc into the parts of its casualty lines: the first part is
// inc itself, changed, the others new incidents with the external id of
// inc and the nationalities of their lines.
func (s *Store) split(ctx context.Context, actor string, inc models.Incident, parts []models.Part) ([]int64, error) {
	var ids []int64
	for i, p := range parts {
		next, err := p.Input.Normalize(s.now())
		if err != nil {
			return nil, err
		}
		if i == 0 {
			if _, err := s.UpdateIncident(ctx, actor, inc.ID, nil, func(models.Incident) (models.Incident, error) { return next, nil }); err != nil {
				return nil, err
			}
			ids = append(ids, inc.ID)
			continue
		}
		next.Origin = inc.Origin
		created, err := s.CreateIncident(ctx, actor, next)
		if err != nil {
			return nil, err
		}
		ids = append(ids, created.ID)
	}
	return ids, nil
}
