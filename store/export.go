package store

import (
	"context"
	"database/sql"

	"gorm.io/gorm"

	"incidentdb/models"
)

// exportChunk is how many incidents are read per query: enough to amortise
// the child-table queries, few enough that memory stays flat.
const exportChunk = 2000

// Each calls fn for every live incident matching f, in id order, with its
// casualty lines and sources, reading chunk by chunk inside one read
// transaction: the export is a consistent snapshot and its memory does not
// grow with the result. fn must not keep the incident.
func (s *Store) Each(ctx context.Context, f models.Filter, fn func(*models.Incident) error) error {
	err := s.r.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		cond, args := where(f)
		q := "SELECT i.* FROM incidents i WHERE " + cond + " AND i.id > ? ORDER BY i.id LIMIT ?"
		var after int64
		rows := make([]incidentRow, 0, exportChunk)
		for {
			rows = rows[:0]
			if err := tx.Raw(q, append(args, after, exportChunk)...).Scan(&rows).Error; err != nil {
				return err
			}
			if len(rows) == 0 {
				return nil
			}
			items, err := withChildren(tx, rows)
			if err != nil {
				return err
			}
			for i := range items {
				if err := fn(&items[i]); err != nil {
					return err
				}
			}
			after = rows[len(rows)-1].ID
			if len(rows) < exportChunk {
				return nil
			}
		}
	}, &sql.TxOptions{ReadOnly: true})
	return internal("export", err)
}
