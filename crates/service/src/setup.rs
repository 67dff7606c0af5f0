//! Each agency's setup, for those who hold `catalog.import`: which procedures it offers and at
//! which online level, and the internal process (quy trình nội bộ, Circular 01/2018 Art. 8) it
//! follows for each. The administration pages and the command line call these functions; the
//! permission, the checks, the audit and the reload of the catalog are here, once.
//!
//! An agency's office hours and own calendar days are [`crate::calendar::admin`]'s.

use jiff::Timestamp;
use motcua_core::{
    audit::Outcome,
    catalog::{OnlineLevel, ProcedureCode},
    dossier::{ProcessTemplate, StepAgency},
    identity::Permission,
    text::{capitalised, char_len, clean_line},
};
use motcua_store::Store;

use crate::{Actor, ServiceError, ServiceResult, Target, catalog::CatalogHandle};

/// Longest step name kept (Form 05 prints it in a table cell).
pub const MAX_STEP_NAME: usize = 200;

/// The process that applies to a procedure at an agency.
#[derive(Debug, Clone, PartialEq)]
pub struct ProcessSetting {
    /// The configured process, or the default when none is.
    pub template: ProcessTemplate,
    /// Whether a process is configured (`false`: the default applies).
    pub configured: bool,
}

async fn require(
    store: &dyn Store,
    catalog: &CatalogHandle,
    actor: &Actor,
    now: Timestamp,
) -> ServiceResult<()> {
    actor
        .require(
            store,
            catalog.get().hierarchy(),
            now,
            Permission::CatalogImport,
            Target::Installation,
        )
        .await
}

fn unknown_agency(id: &str) -> ServiceError {
    ServiceError::NotFound(format!("không có cơ quan với mã {id:?}"))
}

/// Sets an agency's offers of some procedures, each at a level or withdrawn with `None`, all
/// or none. Returns how many changed; a change reloads the catalog (once), so the portal shows
/// it at once, and is audited with each change.
pub async fn set_offers(
    store: &dyn Store,
    catalog: &CatalogHandle,
    actor: &Actor,
    now: Timestamp,
    agency: &str,
    changes: &[(ProcedureCode, Option<OnlineLevel>)],
) -> ServiceResult<u64> {
    require(store, catalog, actor, now).await?;
    {
        let snapshot = catalog.get();
        if snapshot.agency(agency).is_none() {
            return Err(unknown_agency(agency));
        }
        // Withdrawing stays possible for a procedure the catalog no longer holds.
        if let Some((code, _)) = changes
            .iter()
            .find(|(code, level)| level.is_some() && snapshot.procedure(code).is_none())
        {
            return Err(ServiceError::bad_request(
                "unknown_procedure",
                format!("Không có thủ tục mã {code} trong danh mục; hãy nhập danh mục trước."),
            ));
        }
    }
    let changed = store.set_agency_procedures(agency, changes).await?;
    if changed > 0 {
        catalog.reload(store).await?;
        let list: Vec<serde_json::Value> = changes
            .iter()
            .map(|(code, level)| {
                serde_json::json!({
                    "procedure": code.as_str(),
                    "online_level": level.map(OnlineLevel::as_str),
                })
            })
            .collect();
        let event = actor
            .event(now, "catalog.offer", Outcome::Success)
            .with("agency", agency)
            .with("changed", changed)
            .with("changes", list);
        store.append_audit(&event).await?;
    }
    Ok(changed)
}

/// The process a procedure follows at an agency (the default when none is configured).
pub async fn process_at(
    store: &dyn Store,
    catalog: &CatalogHandle,
    actor: &Actor,
    now: Timestamp,
    agency: &str,
    code: &ProcedureCode,
) -> ServiceResult<ProcessSetting> {
    require(store, catalog, actor, now).await?;
    if catalog.get().agency(agency).is_none() {
        return Err(unknown_agency(agency));
    }
    Ok(match store.process_template(code.as_str(), agency).await? {
        Some(template) => ProcessSetting {
            template,
            configured: true,
        },
        None => ProcessSetting {
            template: ProcessTemplate::default_for(),
            configured: false,
        },
    })
}

/// The procedure codes with a process configured at an agency.
pub async fn processes_at(
    store: &dyn Store,
    catalog: &CatalogHandle,
    actor: &Actor,
    now: Timestamp,
    agency: &str,
) -> ServiceResult<Vec<String>> {
    require(store, catalog, actor, now).await?;
    Ok(store.process_templates_at(agency).await?)
}

/// Configures the process a procedure follows at an agency (its competent agency), or with
/// `None` goes back to the default. Dossiers already received keep the process they were given;
/// the next dossier received follows this one.
pub async fn set_process(
    store: &dyn Store,
    catalog: &CatalogHandle,
    actor: &Actor,
    now: Timestamp,
    agency: &str,
    code: &ProcedureCode,
    template: Option<ProcessTemplate>,
) -> ServiceResult<()> {
    require(store, catalog, actor, now).await?;
    let template = {
        let snapshot = catalog.get();
        if snapshot.agency(agency).is_none() {
            return Err(unknown_agency(agency));
        }
        if snapshot.procedure(code).is_none() {
            return Err(ServiceError::bad_request(
                "unknown_procedure",
                format!("Không có thủ tục mã {code} trong danh mục."),
            ));
        }
        template
            .map(|t| checked(t, |id| snapshot.agency(id).is_some()))
            .transpose()?
    };
    store
        .set_process_template(code.as_str(), agency, template.as_ref(), now)
        .await?;
    let event = actor
        .event(now, "catalog.process", Outcome::Success)
        .with("agency", agency)
        .with("procedure", code.as_str())
        .with("steps", template.as_ref().map(|t| t.steps.len()));
    store.append_audit(&event).await?;
    Ok(())
}

/// The template with its step names normalised, refused when its shape, shares, names or
/// agencies are wrong.
fn checked(
    mut template: ProcessTemplate,
    agency_exists: impl Fn(&str) -> bool,
) -> ServiceResult<ProcessTemplate> {
    let invalid = |m: String| ServiceError::bad_request("invalid_process", m);
    template
        .validate()
        .map_err(|e| invalid(format!("{}.", capitalised(&e.to_string()))))?;
    for (i, step) in template.steps.iter_mut().enumerate() {
        step.name = clean_line(&step.name);
        if step.name.is_empty() || char_len(&step.name) > MAX_STEP_NAME {
            return Err(invalid(format!(
                "Bước {}: tên bước phải có từ 1 đến {MAX_STEP_NAME} ký tự.",
                i + 1
            )));
        }
        let named = match &step.agency {
            StepAgency::Agency(id) => Some(id),
            StepAgency::Receiving | StepAgency::Competent => None,
        };
        if let Some(id) = named
            .into_iter()
            .chain(&step.parallel)
            .find(|id| !agency_exists(id))
        {
            return Err(invalid(format!(
                "Bước {}: không có cơ quan với mã {id:?}.",
                i + 1
            )));
        }
    }
    Ok(template)
}

#[cfg(test)]
mod tests {
    use motcua_core::dossier::ProcessError;

    use super::*;

    #[test]
    fn a_template_is_checked_and_its_names_normalised() {
        let mut t = ProcessTemplate::default_for();
        t.steps[1].name = "  Tha\u{302}\u{309}m  định  ".into();
        let ok = checked(t.clone(), |_| true).unwrap();
        assert_eq!(ok.steps[1].name, "Thẩm định");

        let mut bad = t.clone();
        bad.steps[1].agency = StepAgency::Agency("bn.nowhere".into());
        let err = checked(bad, |id| id != "bn.nowhere").unwrap_err();
        assert!(err.to_string().contains("bn.nowhere"), "{err}");

        let mut bad = t.clone();
        bad.steps[2].parallel = vec!["bn.nowhere".into()];
        assert!(checked(bad, |id| id != "bn.nowhere").is_err());

        let mut bad = t.clone();
        bad.steps[0].name = " ".into();
        assert!(checked(bad, |_| true).is_err());

        let mut bad = t;
        bad.steps[0].share = 0.9;
        let err = checked(bad, |_| true).unwrap_err();
        let expected = capitalised(&ProcessError::Shares.to_string());
        assert!(err.to_string().contains(&expected), "{err}");
    }
}
