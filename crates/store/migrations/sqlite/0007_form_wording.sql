-- Per-agency wording of the printed forms (issue 11): an agency's partial override of the
-- shipped data/forms/wording.toml, kept as the TOML text the administrator gave (comments
-- included, so `motcua forms wording show --override` gives back what was set). The service
-- checks it loads over the shipped wording before it is stored; a change bumps
-- `form_wording_generation` in `app_meta`, so every node drops its cached wordings.
-- A small shared table (a reference table on Citus), keyed by agency like the calendar's
-- per-agency tables.
CREATE TABLE form_wordings (
    agency_id TEXT PRIMARY KEY,
    wording   TEXT NOT NULL,     -- the override, TOML
    set_by    TEXT NOT NULL,     -- the audit log's actor: user:<id>, or cli
    set_at    INTEGER NOT NULL   -- microseconds since the Unix epoch (UTC)
);
