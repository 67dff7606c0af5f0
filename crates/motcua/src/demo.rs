//! The demo data shipped in the binary: the new Bắc Ninh province's agencies (with the former
//! Bắc Giang units and their successors), the 2,642-procedure catalog, which agency offers
//! which procedure, and the portal's presentation. Loaded into an empty database on first
//! start unless `--no-demo`. Provenance: `data/*/PROVENANCE.md`.

use std::collections::BTreeSet;

use anyhow::Context;
use jiff::Timestamp;
use motcua_core::{
    agency::{Agency, AgencyKind},
    audit::{AuditEvent, Outcome},
    catalog::ImplementingLevel,
    identity::{Role, credentials::LoginId},
};
use motcua_service::{
    Actor,
    admin::{GrantRequest, NewOfficial},
    passwords::Passwords,
};
use motcua_store::{
    AgencyProcedure, Db, MetaStore, NewUser, Store, StoredProcedure, UserKind, UserStore,
};

use crate::{
    admin_cli::{admin_service, cli_error},
    import::{ImportReport, import},
};

/// The catalog, in motcua's JSON Lines format, gzip-compressed.
pub const CATALOG_GZ: &[u8] = include_bytes!("../../../data/catalog/procedures.jsonl.gz");
/// The agency tree.
pub const AGENCIES_JSON: &str = include_str!("../../../data/demo/agencies.json");
/// Which agency offers which procedure, as rules.
pub const OFFER_RULES_CSV: &str = include_str!("../../../data/demo/procedure-offers.csv");
/// Portal presentation.
pub const SITE_JSON: &str = include_str!("../../../data/demo/site.json");

/// Marker in `app_meta` once the demo data is loaded.
pub const DEMO_KEY: &str = "demo_loaded_at";
/// Presentation in `app_meta`.
pub const SITE_KEY: &str = "site";

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "motcua-demo";
/// Marker in `app_meta` once the demo accounts exist.
pub const ACCOUNTS_KEY: &str = "demo_accounts_at";

/// A demo official: user name, name, home unit, role, and whether the role covers the agencies
/// below the unit. Listed in the README.
pub const DEMO_OFFICIALS: &[(&str, &str, &str, Role, bool)] = &[
    // Phường Bắc Giang: its service centre and the ward committee behind it.
    (
        "receiver1",
        "Trần Thị Bình",
        "bn.x07210.tt",
        Role::ReceivingOfficer,
        false,
    ),
    (
        "handler1",
        "Lê Văn Cường",
        "bn.x07210",
        Role::HandlingOfficer,
        false,
    ),
    (
        "unithead1",
        "Phạm Thị Dung",
        "bn.x07210",
        Role::UnitHead,
        false,
    ),
    (
        "leader1",
        "Hoàng Văn Đức",
        "bn.x07210",
        Role::AgencyLeader,
        true,
    ),
    ("clerk1", "Vũ Thị Giang", "bn.x07210", Role::Clerk, false),
    // The province.
    (
        "deskhead1",
        "Đỗ Văn Hải",
        "bn.ttpvhcc",
        Role::DeskHead,
        false,
    ),
    (
        "control1",
        "Bùi Thị Hoa",
        "bn.vp",
        Role::ProcedureControl,
        true,
    ),
    ("auditor1", "Ngô Văn Khánh", "bn.ttr", Role::Auditor, true),
    (
        "admin",
        "Quản trị hệ thống",
        "bn.vp",
        Role::Administrator,
        true,
    ),
    (
        "receiver2",
        "Đặng Thị Lan",
        "bn.ttpvhcc",
        Role::ReceivingOfficer,
        false,
    ),
    (
        "handler2",
        "Trịnh Văn Minh",
        "bn.stp",
        Role::HandlingOfficer,
        false,
    ),
    ("leader2", "Lý Thị Ngọc", "bn.stp", Role::AgencyLeader, true),
];

/// Where a demo official's grant applies when it is not the home unit: the control, audit and
/// administration roles cover the whole province.
fn grant_agency(username: &str, home: &'static str) -> &'static str {
    match username {
        "control1" | "auditor1" | "admin" => "bn",
        _ => home,
    }
}

/// Creates the demo accounts (one per role, password [`DEMO_PASSWORD`], no two-factor
/// authentication) once, in a database holding the demo data.
pub async fn ensure_accounts(store: &Db, now: Timestamp) -> anyhow::Result<bool> {
    if store.meta(ACCOUNTS_KEY).await?.is_some() || store.meta(DEMO_KEY).await?.is_none() {
        return Ok(false);
    }
    let passwords = Passwords::new(2);
    let actor = "system:demo";
    let operator = Actor::operator(actor);
    let admin = admin_service(store).await?;
    if store
        .user_by_login(&LoginId::Username("citizen1".to_owned()))
        .await?
        .is_none()
    {
        let id = uuid::Uuid::now_v7().to_string();
        let citizen = NewUser {
            id: id.clone(),
            kind: UserKind::Applicant,
            username: Some("citizen1".to_owned()),
            email: Some("citizen1@example.vn".to_owned()),
            email_verified: true,
            phone: None,
            citizen_id: None,
            display_name: "Nguyễn Văn An".to_owned(),
            password_hash: Some(passwords.hash(DEMO_PASSWORD).await?),
            agency_id: None,
            created_at: now,
        };
        let e = AuditEvent::new(now, actor, "account.register", Outcome::Success)
            .subject(format!("user:{id}"))
            .with("channel", "demo");
        store.create_user(&citizen, None, &e).await?;
    }
    let valid_from = jiff::civil::date(2025, 7, 1);
    for &(username, name, home, role, subtree) in DEMO_OFFICIALS {
        if store
            .user_by_login(&LoginId::Username(username.to_owned()))
            .await?
            .is_some()
        {
            continue;
        }
        let official = admin
            .create_official(
                &operator,
                now,
                NewOfficial {
                    username: username.to_owned(),
                    display_name: name.to_owned(),
                    agency_id: home.to_owned(),
                    email: None,
                    password: DEMO_PASSWORD.to_owned(),
                },
            )
            .await
            .map_err(cli_error)?;
        admin
            .grant(
                &operator,
                now,
                &official.id,
                GrantRequest {
                    role,
                    agency_id: grant_agency(username, home).to_owned(),
                    subtree,
                    procedure: None,
                    valid_from: Some(valid_from),
                    valid_to: None,
                },
            )
            .await
            .map_err(cli_error)?;
    }
    store.set_meta(ACCOUNTS_KEY, &now.to_string()).await?;
    Ok(true)
}

/// What the demo loader did.
#[derive(Debug)]
pub struct DemoReport {
    /// Agencies loaded.
    pub agencies: usize,
    /// Catalog import outcome.
    pub catalog: ImportReport,
    /// Agency ↔ procedure links.
    pub offers: usize,
}

/// Loads the demo data when the database has never had any (no catalog, no marker).
pub async fn load_if_empty(
    store: &dyn Store,
    now: Timestamp,
) -> anyhow::Result<Option<DemoReport>> {
    if store.meta(DEMO_KEY).await?.is_some() || !store.current_procedures().await?.is_empty() {
        return Ok(None);
    }
    load(store, now).await.map(Some)
}

/// Loads (or reloads: every step is idempotent) the demo data.
pub async fn load(store: &dyn Store, now: Timestamp) -> anyhow::Result<DemoReport> {
    let agencies = demo_agencies()?;
    store.upsert_agencies(&agencies, now).await?;
    let reader: Box<dyn std::io::BufRead + Send> = Box::new(std::io::BufReader::new(
        flate2::read::GzDecoder::new(CATALOG_GZ),
    ));
    let catalog = import(store, reader, None, now, |_| {}).await?;
    if !catalog.rejected.is_empty() {
        anyhow::bail!(
            "the shipped catalog has {} rejected rows: {:?}",
            catalog.rejected.len(),
            catalog.rejected.first()
        );
    }
    let procedures = store.current_procedures().await?;
    let rules = OfferRules::parse(OFFER_RULES_CSV)?;
    let links = rules.apply(&procedures, &agencies);
    store.replace_agency_procedures(&links).await?;
    store.set_meta(SITE_KEY, SITE_JSON.trim()).await?;
    store.set_meta(DEMO_KEY, &now.to_string()).await?;
    Ok(DemoReport {
        agencies: agencies.len(),
        catalog,
        offers: links.len(),
    })
}

/// The shipped agencies, validated.
pub fn demo_agencies() -> anyhow::Result<Vec<Agency>> {
    let raw: Vec<Agency> =
        serde_json::from_str(AGENCIES_JSON).context("data/demo/agencies.json")?;
    raw.into_iter()
        .map(|a| {
            let id = a.id.clone();
            a.normalized().with_context(|| format!("agency {id}"))
        })
        .collect()
}

/// Where a rule sends matching procedures.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    /// One agency.
    Agency(String),
    /// Every current commune People's Committee.
    Communes,
    /// Not offered by this installation.
    Nowhere,
}

/// One rule: level and field (either may be a wildcard) → target.
#[derive(Debug, Clone)]
struct Rule {
    level: Option<ImplementingLevel>,
    field: Option<String>,
    target: Target,
}

/// Assignment rules: for each procedure and each of its levels, the first matching rule wins.
#[derive(Debug, Clone)]
pub struct OfferRules {
    rules: Vec<Rule>,
}

impl OfferRules {
    /// Parses the rules file (`level,field,agency`).
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let records = motcua_core::csv::records(text).context("procedure-offers.csv")?;
        let mut rules = Vec::new();
        for (line, fields) in records.into_iter().skip(1) {
            let [level, field, agency] = fields.as_slice() else {
                anyhow::bail!("procedure-offers.csv line {line}: expected 3 columns");
            };
            let level = match level.trim() {
                "*" => None,
                l => Some(ImplementingLevel::from_slug(l).with_context(|| {
                    format!("procedure-offers.csv line {line}: unknown level {l:?}")
                })?),
            };
            let field = match field.trim() {
                "*" => None,
                f => Some(motcua_core::text::clean_line(f)),
            };
            let target = match agency.trim() {
                "-" => Target::Nowhere,
                "@communes" => Target::Communes,
                id => Target::Agency(id.to_owned()),
            };
            rules.push(Rule {
                level,
                field,
                target,
            });
        }
        Ok(Self { rules })
    }

    /// Computes the agency ↔ procedure links. Links to agencies that do not exist are dropped
    /// (and the rule file is checked for that in tests).
    pub fn apply(
        &self,
        procedures: &[StoredProcedure],
        agencies: &[Agency],
    ) -> Vec<AgencyProcedure> {
        let communes: Vec<&str> = agencies
            .iter()
            .filter(|a| a.kind == AgencyKind::CommuneCommittee && a.valid_to.is_none())
            .map(|a| a.id.as_str())
            .collect();
        let known: BTreeSet<&str> = agencies.iter().map(|a| a.id.as_str()).collect();
        let mut out: BTreeSet<(String, String)> = BTreeSet::new();
        let mut links = Vec::new();
        for sp in procedures {
            let p = &sp.procedure;
            for &level in &p.levels {
                let Some(rule) = self.rules.iter().find(|r| {
                    r.level.is_none_or(|l| l == level)
                        && r.field.as_deref().is_none_or(|f| f == p.field)
                }) else {
                    continue;
                };
                let targets: Vec<&str> = match &rule.target {
                    Target::Nowhere => vec![],
                    Target::Communes => communes.clone(),
                    Target::Agency(id) if known.contains(id.as_str()) => vec![id.as_str()],
                    Target::Agency(_) => vec![],
                };
                for t in targets {
                    if out.insert((t.to_owned(), p.code.to_string())) {
                        links.push(AgencyProcedure {
                            agency_id: t.to_owned(),
                            procedure_code: p.code.clone(),
                            online_level: p.online_level,
                        });
                    }
                }
            }
        }
        links
    }

    /// Agency ids named by the rules (for validation).
    pub fn named_agencies(&self) -> Vec<&str> {
        self.rules
            .iter()
            .filter_map(|r| match &r.target {
                Target::Agency(id) => Some(id.as_str()),
                _ => None,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_agencies_are_valid_and_form_a_tree() {
        let agencies = demo_agencies().unwrap();
        let ids: BTreeSet<&str> = agencies.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids.len(), agencies.len(), "ids are unique");
        for a in &agencies {
            if let Some(p) = &a.parent {
                assert!(ids.contains(p.as_str()), "{} has unknown parent {p}", a.id);
            }
            for s in &a.successors {
                assert!(
                    ids.contains(s.successor.as_str()),
                    "{} has unknown successor",
                    a.id
                );
                assert!(
                    a.valid_to.is_some(),
                    "{} has a successor but no end date",
                    a.id
                );
            }
        }
        let current_communes = agencies
            .iter()
            .filter(|a| a.kind == AgencyKind::CommuneCommittee && a.valid_to.is_none())
            .count();
        assert_eq!(
            current_communes, 99,
            "the new Bắc Ninh has 99 communes and wards"
        );
        let bg = agencies.iter().find(|a| a.id == "bg").unwrap();
        assert_eq!(bg.successors[0].successor, "bn");
        // Every former Bắc Giang commune has a successor.
        assert!(
            agencies
                .iter()
                .filter(|a| a.id.starts_with("bg.x"))
                .all(|a| !a.successors.is_empty())
        );
    }

    #[test]
    fn demo_officials_sit_at_existing_agencies() {
        let agencies = demo_agencies().unwrap();
        let ids: BTreeSet<&str> = agencies.iter().map(|a| a.id.as_str()).collect();
        for (user, _, home, _, _) in DEMO_OFFICIALS {
            assert!(ids.contains(home), "{user}: unknown agency {home}");
            assert!(ids.contains(grant_agency(user, home)));
        }
        // One account per role.
        for role in Role::ALL {
            assert!(
                DEMO_OFFICIALS.iter().any(|(_, _, _, r, _)| *r == role),
                "no demo official is a {role}"
            );
        }
    }

    #[test]
    fn offer_rules_name_only_existing_agencies() {
        let agencies = demo_agencies().unwrap();
        let ids: BTreeSet<&str> = agencies.iter().map(|a| a.id.as_str()).collect();
        let rules = OfferRules::parse(OFFER_RULES_CSV).unwrap();
        for id in rules.named_agencies() {
            assert!(ids.contains(id), "rule names unknown agency {id}");
        }
    }
}
