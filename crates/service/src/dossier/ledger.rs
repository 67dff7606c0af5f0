//! The tracking ledger of a one-stop desk (Form 06): the dossiers received there over a
//! period, for an official who may read the desk's dossiers.

use jiff::{Timestamp, civil::Date, tz};
use motcua_core::{
    dossier::{Dossier, Status},
    identity::Permission,
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

impl<S: ?Sized + DossierDeps + 'static> DossierService<S> {
    /// The dossiers received at the desk `desk` from `from` to `to` (both included, Vietnam
    /// dates), oldest first. Online dossiers still waiting for the desk's check are not yet
    /// received and stay out. The actor must hold `dossier.read` over the whole desk (a grant
    /// limited to some procedures does not show the desk's ledger); a refusal is audited.
    pub async fn desk_ledger(
        &self,
        actor: &Actor,
        now: Timestamp,
        desk: &str,
        from: Date,
        to: Date,
    ) -> ServiceResult<Vec<Dossier>> {
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
        Ok(rows
            .into_iter()
            .filter(|d| d.accepted_at.is_some() || d.status != Status::Submitted)
            .collect())
    }
}
