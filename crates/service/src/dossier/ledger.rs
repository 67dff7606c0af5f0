//! The tracking ledger of a one-stop desk (Form 06): the dossiers received there over a
//! period, for an official who may read the desk's dossiers.
//!
//! A desk's ledger book numbers its entries continuously over the calendar year, so a ledger
//! printed from 1 March starts at the number of dossiers the desk received since 1 January,
//! plus one, and a period that crosses the new year starts again at 1 on 1 January
//! ([`year_numbers`]). The count before the period is one indexed query
//! (`DossierStore::desk_received`), never a year of rows.

use jiff::{
    Timestamp,
    civil::{Date, date},
    tz,
};
use motcua_core::{
    dossier::Dossier,
    identity::{Permission, vietnam_date},
};
use motcua_store::MAX_DESK_DOSSIERS;

use super::{DossierDeps, DossierService};
use crate::{
    actor::Actor,
    actor::Target,
    error::{ServiceError, ServiceResult},
};

/// Longest period one ledger covers, in days (a year, leap day included).
pub const MAX_LEDGER_DAYS: i32 = 366;

/// The first instant of a civil day in Vietnam (UTC+07:00, no daylight saving time).
fn day_start(d: Date) -> ServiceResult<Timestamp> {
    d.to_zoned(tz::TimeZone::fixed(tz::offset(7)))
        .map(|z| z.timestamp())
        .map_err(|e| ServiceError::bad_request("invalid_parameter", e.to_string()))
}

/// One row of a desk's ledger.
#[derive(Debug, Clone)]
pub struct LedgerEntry {
    /// Its number (STT): the dossier's ordinal among those the desk received in its calendar
    /// year.
    pub number: u32,
    /// The dossier.
    pub dossier: Dossier,
}

/// The numbers of a ledger's rows, in order: `received_before` dossiers of `from_year` came
/// before the period, and `years` are the rows' years (Vietnam dates, oldest first). The
/// numbering goes on from `received_before` and starts again at 1 with each new year.
pub fn year_numbers(
    received_before: u32,
    from_year: i16,
    years: impl IntoIterator<Item = i16>,
) -> Vec<u32> {
    let mut year = from_year;
    let mut last = received_before;
    years
        .into_iter()
        .map(|y| {
            if y != year {
                year = y;
                last = 0;
            }
            last = last.saturating_add(1);
            last
        })
        .collect()
}

impl<S: ?Sized + DossierDeps + 'static> DossierService<S> {
    /// The dossiers received at the desk `desk` from `from` to `to` (both included, Vietnam
    /// dates), oldest first, each with its number in the desk's year ([`year_numbers`]).
    /// Online dossiers still waiting for the desk's check are not yet received and stay out
    /// ([`Dossier::is_received`]), of the rows and of the count before them alike. The actor
    /// must hold `dossier.read` over the whole desk (a grant limited to some procedures does
    /// not show the desk's ledger); a refusal is audited.
    pub async fn desk_ledger(
        &self,
        actor: &Actor,
        now: Timestamp,
        desk: &str,
        from: Date,
        to: Date,
    ) -> ServiceResult<Vec<LedgerEntry>> {
        if to < from {
            return Err(ServiceError::invalid(
                "to",
                "ngày cuối phải sau hoặc bằng ngày đầu",
            ));
        }
        let days = from
            .until(to)
            .map(|s| s.get_days())
            .map_err(|e| ServiceError::bad_request("invalid_parameter", e.to_string()))?;
        if days >= MAX_LEDGER_DAYS {
            return Err(ServiceError::invalid(
                "to",
                format!("một sổ theo dõi bao gồm tối đa {MAX_LEDGER_DAYS} ngày"),
            ));
        }
        let catalog = self.catalog.get();
        if catalog.agency(desk).is_none() {
            return Err(ServiceError::invalid("agency", "không có cơ quan này"));
        }
        actor
            .require(
                &*self.store,
                catalog.hierarchy(),
                now,
                Permission::DossierRead,
                Target::agency(desk),
            )
            .await?;
        let end = to
            .tomorrow()
            .map_err(|e| ServiceError::bad_request("invalid_parameter", e.to_string()))?;
        let rows = self
            .store
            .desk_dossiers(desk, day_start(from)?, day_start(end)?, MAX_DESK_DOSSIERS)
            .await?;
        let rows: Vec<Dossier> = rows.into_iter().filter(Dossier::is_received).collect();
        let new_year = date(from.year(), 1, 1);
        let before = if from > new_year {
            self.store
                .desk_received(desk, day_start(new_year)?, day_start(from)?)
                .await?
        } else {
            0
        };
        let before = u32::try_from(before).map_err(ServiceError::internal)?;
        let numbers = year_numbers(
            before,
            from.year(),
            rows.iter().map(|d| vietnam_date(d.submitted_at).year()),
        );
        Ok(numbers
            .into_iter()
            .zip(rows)
            .map(|(number, dossier)| LedgerEntry { number, dossier })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::year_numbers;

    #[test]
    fn numbers_go_on_from_the_dossiers_received_earlier_in_the_year() {
        assert_eq!(year_numbers(0, 2026, [2026, 2026, 2026]), [1, 2, 3]);
        // From 1 March, after 41 dossiers received since 1 January.
        assert_eq!(year_numbers(41, 2026, [2026, 2026]), [42, 43]);
        assert!(year_numbers(41, 2026, []).is_empty());
    }

    #[test]
    fn a_period_across_new_year_starts_again_at_one_on_1_january() {
        assert_eq!(
            year_numbers(1200, 2025, [2025, 2025, 2026, 2026, 2026]),
            [1201, 1202, 1, 2, 3]
        );
        // Nothing received in the old year's part of the period.
        assert_eq!(year_numbers(1200, 2025, [2026, 2026]), [1, 2]);
    }
}
