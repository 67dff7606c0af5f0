-- The tracking ledger (Form 06) of a desk: its dossiers of a period in submission order
-- (store::dossier::read::desk_dossiers), and the count of those received since 1 January
-- that numbers the ledger's rows over the calendar year (desk_received). Without it both
-- walked every dossier of the installation. `status` is in the index so that the count,
-- whose "received" rule is a status condition, is answered from the index alone.
CREATE INDEX dossiers_desk ON dossiers (receiving_agency, submitted_at, status);
