-- The back office's queues at a million dossiers (docs/PERFORMANCE.md, issue 11).
--
-- "Newest first" (or oldest) over one status of a unit — a leader's returned dossiers, some
-- 9,000 in a ward's year — sorted full rows to keep 20. With the sort key and its tie-breaker
-- in an index the page's codes are chosen from the index alone, and only those 20 rows are
-- read (store::dossier::inbox reads them by code afterwards).
CREATE INDEX dossiers_submitted ON dossiers (current_agency, status, submitted_at, code);
