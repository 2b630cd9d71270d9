-- The PostgreSQL form of migrations/sqlite/0007_fixed_width_times.sql.
-- Timestamps were stored with their trailing fractional zeros trimmed
-- (RFC3339Nano), so that "08:45:39Z" sorted after "08:45:39.794Z" and a
-- mirror polling updated_since with whole seconds missed changes. They are
-- now written with all nine fractional digits (models.TimeLayout); this
-- rewrites the rows written before. Every stored timestamp is UTC and ends
-- in "Z".
UPDATE incidents SET
    created_at = CASE WHEN strpos(created_at, '.') = 0 THEN substr(created_at, 1, 19) || '.000000000Z'
        ELSE substr(created_at, 1, 20) || substr(substr(created_at, 21, length(created_at) - 21) || '000000000', 1, 9) || 'Z' END,
    updated_at = CASE WHEN strpos(updated_at, '.') = 0 THEN substr(updated_at, 1, 19) || '.000000000Z'
        ELSE substr(updated_at, 1, 20) || substr(substr(updated_at, 21, length(updated_at) - 21) || '000000000', 1, 9) || 'Z' END,
    deleted_at = CASE WHEN deleted_at IS NULL THEN NULL
        WHEN strpos(deleted_at, '.') = 0 THEN substr(deleted_at, 1, 19) || '.000000000Z'
        ELSE substr(deleted_at, 1, 20) || substr(substr(deleted_at, 21, length(deleted_at) - 21) || '000000000', 1, 9) || 'Z' END
WHERE length(created_at) <> 30 OR length(updated_at) <> 30 OR length(deleted_at) <> 30;

UPDATE revisions SET changed_at = CASE WHEN strpos(changed_at, '.') = 0 THEN substr(changed_at, 1, 19) || '.000000000Z'
        ELSE substr(changed_at, 1, 20) || substr(substr(changed_at, 21, length(changed_at) - 21) || '000000000', 1, 9) || 'Z' END
WHERE length(changed_at) <> 30;
