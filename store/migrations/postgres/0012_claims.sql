-- The PostgreSQL form of migrations/sqlite/0012_claims.sql.
-- Claims: what each source says of each figure. The figures stay the
-- best of their claims (killed, wounded, as before); beside them each
-- incident and each casualty row keeps the lowest and highest figure its
-- claims allow, and the totals their sums, so that a report by any
-- estimate reads the maintained totals as one by the best does. Rows from
-- before have no claims: low and high are the figure itself.
ALTER TABLE incidents ADD COLUMN killed_low INTEGER NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN killed_high INTEGER NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN wounded_low INTEGER NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN wounded_high INTEGER NOT NULL DEFAULT 0;
-- claims as JSON on the row, as the other lists are; conflict says some
-- disagree with no claim preferred, for a reviewer's list.
ALTER TABLE incidents ADD COLUMN claims TEXT NOT NULL DEFAULT '[]';
ALTER TABLE incidents ADD COLUMN conflict INTEGER NOT NULL DEFAULT 0;
UPDATE incidents SET killed_low = killed, killed_high = killed, wounded_low = wounded, wounded_high = wounded;
CREATE INDEX incidents_conflict ON incidents (occurred_on, id) WHERE conflict = 1 AND deleted_at IS NULL;

ALTER TABLE casualties ADD COLUMN killed_low INTEGER NOT NULL DEFAULT 0;
ALTER TABLE casualties ADD COLUMN killed_high INTEGER NOT NULL DEFAULT 0;
ALTER TABLE casualties ADD COLUMN wounded_low INTEGER NOT NULL DEFAULT 0;
ALTER TABLE casualties ADD COLUMN wounded_high INTEGER NOT NULL DEFAULT 0;
UPDATE casualties SET killed_low = killed, killed_high = killed, wounded_low = wounded, wounded_high = wounded;

ALTER TABLE totals_all ADD COLUMN killed_low BIGINT NOT NULL DEFAULT 0;
ALTER TABLE totals_all ADD COLUMN killed_high BIGINT NOT NULL DEFAULT 0;
ALTER TABLE totals_all ADD COLUMN wounded_low BIGINT NOT NULL DEFAULT 0;
ALTER TABLE totals_all ADD COLUMN wounded_high BIGINT NOT NULL DEFAULT 0;
UPDATE totals_all SET killed_low = killed, killed_high = killed, wounded_low = wounded, wounded_high = wounded;
ALTER TABLE totals_year ADD COLUMN killed_low BIGINT NOT NULL DEFAULT 0;
ALTER TABLE totals_year ADD COLUMN killed_high BIGINT NOT NULL DEFAULT 0;
ALTER TABLE totals_year ADD COLUMN wounded_low BIGINT NOT NULL DEFAULT 0;
ALTER TABLE totals_year ADD COLUMN wounded_high BIGINT NOT NULL DEFAULT 0;
UPDATE totals_year SET killed_low = killed, killed_high = killed, wounded_low = wounded, wounded_high = wounded;
ALTER TABLE totals_month ADD COLUMN killed_low BIGINT NOT NULL DEFAULT 0;
ALTER TABLE totals_month ADD COLUMN killed_high BIGINT NOT NULL DEFAULT 0;
ALTER TABLE totals_month ADD COLUMN wounded_low BIGINT NOT NULL DEFAULT 0;
ALTER TABLE totals_month ADD COLUMN wounded_high BIGINT NOT NULL DEFAULT 0;
UPDATE totals_month SET killed_low = killed, killed_high = killed, wounded_low = wounded, wounded_high = wounded;
ALTER TABLE totals_by_month ADD COLUMN killed_low BIGINT NOT NULL DEFAULT 0;
ALTER TABLE totals_by_month ADD COLUMN killed_high BIGINT NOT NULL DEFAULT 0;
ALTER TABLE totals_by_month ADD COLUMN wounded_low BIGINT NOT NULL DEFAULT 0;
ALTER TABLE totals_by_month ADD COLUMN wounded_high BIGINT NOT NULL DEFAULT 0;
UPDATE totals_by_month SET killed_low = killed, killed_high = killed, wounded_low = wounded, wounded_high = wounded;
