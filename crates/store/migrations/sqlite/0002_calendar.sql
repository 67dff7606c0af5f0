-- The working-time calendar as stored, dated data (DOMAIN.md §7, §13). Instants are INTEGER
-- microseconds since the Unix epoch (UTC); dates are 'YYYY-MM-DD' text.

-- National public-sector years. A year present here is complete: it replaces the computed
-- statutory defaults for that whole year. Years absent here use the defaults.
CREATE TABLE calendar_years (
    year       INTEGER PRIMARY KEY,
    updated_at INTEGER NOT NULL,
    updated_by TEXT NOT NULL
);

-- The days off and make-up working days of the stored years.
CREATE TABLE calendar_days (
    date     TEXT PRIMARY KEY,
    year     INTEGER NOT NULL REFERENCES calendar_years (year),
    kind     TEXT NOT NULL,
    occasion TEXT NOT NULL,
    status   TEXT NOT NULL,
    replaces TEXT,
    source   TEXT NOT NULL,
    note     TEXT NOT NULL
);
CREATE INDEX calendar_days_year ON calendar_days (year);

-- One agency's own decisions on top of the national calendar (an extra day off, a day its desk
-- works although the country is off). Agencies below it inherit them.
CREATE TABLE agency_calendar_days (
    agency_id TEXT NOT NULL,
    date      TEXT NOT NULL,
    year      INTEGER NOT NULL,
    kind      TEXT NOT NULL,
    occasion  TEXT NOT NULL,
    status    TEXT NOT NULL,
    replaces  TEXT,
    source    TEXT NOT NULL,
    note      TEXT NOT NULL,
    PRIMARY KEY (agency_id, date)
);

-- An agency's office hours (motcua_core::calendar::OfficeHours as JSON text).
CREATE TABLE agency_office_hours (
    agency_id  TEXT PRIMARY KEY,
    hours      TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT NOT NULL
);

-- Who changed what in the calendar, and when. agency_id is NULL for the national calendar;
-- what is 'days' or 'office_hours'; years is a comma-separated list; details is JSON.
CREATE TABLE calendar_changes (
    id         INTEGER PRIMARY KEY,
    changed_at INTEGER NOT NULL,
    changed_by TEXT NOT NULL,
    agency_id  TEXT,
    what       TEXT NOT NULL,
    years      TEXT NOT NULL,
    added      INTEGER NOT NULL,
    removed    INTEGER NOT NULL,
    changed    INTEGER NOT NULL,
    note       TEXT NOT NULL,
    details    TEXT NOT NULL
);
CREATE INDEX calendar_changes_at ON calendar_changes (changed_at);
