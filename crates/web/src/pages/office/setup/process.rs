//! The internal process (quy trình nội bộ) a procedure follows at an agency: its steps, each
//! with the unit and role that acts and the time it gets, edited as a table and saved through
//! [`motcua_service::setup::set_process`].
//!
//! The times are entered as the approved process states them — in the procedure's own unit
//! when it has one legal time limit, checked to add up to exactly that limit — and stored as
//! shares of the limit, so the same process serves every channel. A procedure with several
//! limits (one per channel) or none takes percentages instead, and the page shows what each
//! step then gets of each limit.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{Html, IntoResponse, Redirect, Response},
};
use motcua_core::{
    catalog::{Procedure, ProcedureCode, ProcessingTime},
    dossier::{ProcessTemplate, StepAgency, StepKind, StepTemplate, allotment_whole, shares_from},
    identity::{Role, vietnam_date},
};
use motcua_service::{ServiceError, catalog::Catalog, setup};
use serde_json::{Value, json};

use super::{agency_path, no_agency};
use crate::{
    auth::{Principal, url_encode},
    pages::{
        PageError, agencies::agency_options, form::FormData, login::render, problems::Problems,
    },
    state::AppState,
};

/// Blank rows offered below the steps, for steps to add.
const BLANK_ROWS: usize = 2;

/// Most rows a form may send (the service allows 30 steps).
const MAX_ROWS: usize = 32;

/// How the step times are entered.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Measure {
    /// In the unit of the procedure's one legal limit, adding up to it.
    Time(ProcessingTime),
    /// As percentages adding up to 100.
    Percent,
}

impl Measure {
    /// The procedure's legal limits, distinct, with the measure they allow.
    fn of(procedure: &Procedure) -> (Vec<ProcessingTime>, Self) {
        let mut limits: Vec<ProcessingTime> = Vec::new();
        for t in procedure.methods.iter().filter_map(|m| m.time) {
            if t.amount > 0.0 && !limits.contains(&t) {
                limits.push(t);
            }
        }
        let measure = match limits.as_slice() {
            [one] => Self::Time(allotment_whole(*one)),
            _ => Self::Percent,
        };
        (limits, measure)
    }

    fn whole(self) -> f64 {
        match self {
            Self::Time(t) => t.amount,
            Self::Percent => 100.0,
        }
    }

    fn unit_label(self) -> &'static str {
        match self {
            Self::Time(t) => t.unit.label_vi(),
            Self::Percent => "%",
        }
    }
}

/// A number as Vietnamese write it: decimal comma, no trailing zeros, to 1/10,000.
fn number_vi(x: f64) -> String {
    let s = format!("{x:.4}");
    s.trim_end_matches('0')
        .trim_end_matches('.')
        .replace('.', ",")
}

/// Reads a number written with a comma or a point.
fn parse_number(s: &str) -> Option<f64> {
    let x: f64 = s.trim().replace(',', ".").parse().ok()?;
    (x.is_finite() && x >= 0.0).then_some(x)
}

/// One row of the editor as the template shows it.
#[derive(Debug, Clone, Default)]
struct Row {
    name: String,
    kind: String,
    agency: String,
    role: String,
    time: String,
    parallel: String,
}

impl Row {
    fn of(step: &StepTemplate, measure: Measure) -> Self {
        Self {
            name: step.name.clone(),
            kind: step.kind.as_str().to_owned(),
            agency: agency_value(&step.agency),
            role: step.role.as_str().to_owned(),
            time: number_vi((step.share * measure.whole() * 480.0).round() / 480.0),
            parallel: step.parallel.join(", "),
        }
    }

    fn read(form: &FormData, i: usize) -> Self {
        Self {
            name: form.text(&format!("ten-{i}")),
            kind: form.text(&format!("loai-{i}")),
            agency: form.text(&format!("co-quan-{i}")),
            role: form.text(&format!("vai-tro-{i}")),
            time: form.text(&format!("thoi-gian-{i}")),
            parallel: form.text(&format!("phoi-hop-{i}")),
        }
    }

    fn is_blank(&self) -> bool {
        self.name.is_empty() && self.time.is_empty() && self.parallel.is_empty()
    }
}

const RECEIVING: &str = "receiving";
const COMPETENT: &str = "competent";

fn agency_value(a: &StepAgency) -> String {
    match a {
        StepAgency::Receiving => RECEIVING.to_owned(),
        StepAgency::Competent => COMPETENT.to_owned(),
        StepAgency::Agency(id) => id.clone(),
    }
}

/// The template the rows describe, or the problems found, each at its cell.
fn template_of(
    rows: &[(usize, Row)],
    measure: Measure,
    catalog: &Catalog,
) -> Result<ProcessTemplate, Problems> {
    let mut problems = Problems::default();
    let mut steps = Vec::new();
    let mut amounts = Vec::new();
    for (i, row) in rows {
        let n = i + 1;
        if row.name.is_empty() {
            problems.add(format!("ten-{i}"), format!("Dòng {n}: nhập tên bước"));
        }
        let kind = StepKind::parse(&row.kind);
        if kind.is_none() {
            problems.add(
                format!("loai-{i}"),
                format!("Dòng {n}: chọn loại công việc"),
            );
        }
        let agency = match row.agency.as_str() {
            RECEIVING => Some(StepAgency::Receiving),
            COMPETENT => Some(StepAgency::Competent),
            id if catalog.agency(id).is_some() => Some(StepAgency::Agency(id.to_owned())),
            _ => {
                problems.add(
                    format!("co-quan-{i}"),
                    format!("Dòng {n}: chọn cơ quan thực hiện"),
                );
                None
            }
        };
        let role = row.role.parse::<Role>().ok();
        if role.is_none() {
            problems.add(
                format!("vai-tro-{i}"),
                format!("Dòng {n}: chọn vai trò thực hiện"),
            );
        }
        let amount = parse_number(&row.time);
        if amount.is_none() {
            problems.add(
                format!("thoi-gian-{i}"),
                format!("Dòng {n}: nhập thời gian là một số không âm, ví dụ 0,5"),
            );
        }
        let parallel: Vec<String> = row
            .parallel
            .split([',', ';', ' '])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        if let Some(bad) = parallel.iter().find(|id| catalog.agency(id).is_none()) {
            problems.add(
                format!("phoi-hop-{i}"),
                format!("Dòng {n}: không có cơ quan với mã {bad:?}"),
            );
        }
        if let (Some(kind), Some(agency), Some(role), Some(amount)) = (kind, agency, role, amount) {
            amounts.push(amount);
            steps.push(StepTemplate {
                name: row.name.clone(),
                kind,
                agency,
                role,
                share: 0.0,
                parallel,
            });
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    match shares_from(&amounts, measure.whole()) {
        Ok(shares) => {
            for (s, share) in steps.iter_mut().zip(shares) {
                s.share = share;
            }
        }
        Err(_) => {
            let total: f64 = amounts.iter().sum();
            problems.add(
                "cac-buoc",
                format!(
                    "Tổng thời gian các bước là {} {unit}, phải bằng đúng {} {unit}",
                    number_vi(total),
                    number_vi(measure.whole()),
                    unit = measure.unit_label()
                ),
            );
            return Err(problems);
        }
    }
    let template = ProcessTemplate { steps };
    if let Err(e) = template.validate() {
        // Problems::add capitalises the sentence.
        problems.add("cac-buoc", e.to_string());
        return Err(problems);
    }
    Ok(template)
}

fn process_path(id: &str, code: &str) -> String {
    format!("{}/quy-trinh/{}", agency_path(id), url_encode(code))
}

/// What the editor shows: the rows (the stored process, or what was sent back), whether a
/// process is configured, and the process whose times to preview.
struct Editor<'a> {
    id: &'a str,
    code: &'a ProcedureCode,
    rows: &'a [Row],
    configured: bool,
    preview: Option<&'a ProcessTemplate>,
}

/// Renders the editor.
fn page(
    state: &AppState,
    editor: Editor<'_>,
    problems: &Problems,
    status: StatusCode,
) -> Result<Response, PageError> {
    let Editor {
        id,
        code,
        rows,
        configured,
        preview,
    } = editor;
    let now = state.clock.now();
    let catalog = state.catalog.get();
    let agency = catalog.agency(id).ok_or_else(no_agency)?;
    let stored = catalog.procedure(code).ok_or_else(no_procedure)?;
    let (limits, measure) = Measure::of(&stored.procedure);
    let agencies = agency_options(&catalog, vietnam_date(now), None, |_| true);
    let kinds: Vec<Value> = StepKind::ALL
        .into_iter()
        .map(|k| json!({"value": k.as_str(), "label": k.label_vi()}))
        .collect();
    let roles: Vec<Value> = Role::ALL
        .into_iter()
        .map(|r| json!({"value": r.as_str(), "label": r.label_vi()}))
        .collect();
    let rows: Vec<Value> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            json!({
                "i": i, "n": i + 1, "name": r.name, "kind": r.kind, "agency": r.agency,
                "role": r.role, "time": r.time, "parallel": r.parallel,
            })
        })
        .collect();
    // What each step gets of each legal limit, as a dossier received now would be given.
    let preview = preview.map(|t| {
        let columns: Vec<String> = limits.iter().map(ProcessingTime::text_vi).collect();
        let steps: Vec<Value> = t
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let cells: Vec<String> = limits
                    .iter()
                    .map(|l| {
                        t.resolve(Some(*l), "", "").steps[i]
                            .allotted
                            .map_or_else(|| "—".to_owned(), |a| a.text_vi())
                    })
                    .collect();
                json!({"name": s.name, "cells": cells})
            })
            .collect();
        json!({"columns": columns, "steps": steps})
    });
    let problem_context = problems.context();
    let ctx = json!({
        "agency": agency.name,
        "agency_href": agency_path(id),
        "code": code.as_str(),
        "procedure": stored.procedure.name,
        "limits": limits.iter().map(ProcessingTime::text_vi).collect::<Vec<_>>(),
        "percent": measure == Measure::Percent,
        "unit": measure.unit_label(),
        "whole": number_vi(measure.whole()),
        "configured": configured,
        "action": process_path(id, code.as_str()),
        "rows": rows,
        "row_count": rows.len(),
        "kinds": kinds,
        "roles": roles,
        "agencies": agencies,
        "preview": preview,
        "errors": problem_context["errors"],
        "error_list": problem_context["error_list"],
    });
    let title = format!("Quy trình nội bộ — {}", stored.procedure.name);
    let html = render(state, "mot-cua/setup_process.html", &title, ctx)?;
    Ok((status, Html(html)).into_response())
}

/// The 404 for a procedure code that names none in the catalog.
fn no_procedure() -> PageError {
    ServiceError::NotFound("thủ tục".into()).into()
}

fn parse_code(code: &str) -> Result<ProcedureCode, PageError> {
    ProcedureCode::parse(code).map_err(|_| no_procedure())
}

/// `GET /mot-cua/don-vi/{id}/quy-trinh/{code}`
pub async fn process_form(
    State(state): State<AppState>,
    principal: Principal,
    Path((id, code)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let code = parse_code(&code)?;
    let setting = setup::process_at(
        state.store.as_ref(),
        &state.catalog,
        &principal.actor,
        state.clock.now(),
        &id,
        &code,
    )
    .await?;
    let measure = {
        let catalog = state.catalog.get();
        let stored = catalog.procedure(&code).ok_or_else(no_procedure)?;
        Measure::of(&stored.procedure).1
    };
    let mut rows: Vec<Row> = setting
        .template
        .steps
        .iter()
        .map(|s| Row::of(s, measure))
        .collect();
    rows.extend(std::iter::repeat_n(Row::default(), BLANK_ROWS));
    page(
        &state,
        Editor {
            id: &id,
            code: &code,
            rows: &rows,
            configured: setting.configured,
            preview: Some(&setting.template),
        },
        &Problems::default(),
        StatusCode::OK,
    )
}

/// `POST /mot-cua/don-vi/{id}/quy-trinh/{code}`: saves the table (blank rows are left out),
/// or with `mac_dinh=1` goes back to the default process.
pub async fn save_process(
    State(state): State<AppState>,
    principal: Principal,
    Path((id, code)): Path<(String, String)>,
    form: FormData,
) -> Result<Response, PageError> {
    let now = state.clock.now();
    let code = parse_code(&code)?;
    let store = state.store.as_ref();
    if form.text("mac_dinh") == "1" {
        setup::set_process(
            store,
            &state.catalog,
            &principal.actor,
            now,
            &id,
            &code,
            None,
        )
        .await?;
        return Ok(done(&id, "mac-dinh"));
    }
    let count = form
        .text("so-dong")
        .parse::<usize>()
        .unwrap_or(0)
        .min(MAX_ROWS);
    let sent: Vec<Row> = (0..count).map(|i| Row::read(&form, i)).collect();
    let filled: Vec<(usize, Row)> = sent
        .iter()
        .cloned()
        .enumerate()
        .filter(|(_, r)| !r.is_blank())
        .collect();
    let configured = setup::process_at(store, &state.catalog, &principal.actor, now, &id, &code)
        .await?
        .configured;
    let measure = {
        let catalog = state.catalog.get();
        let stored = catalog.procedure(&code).ok_or_else(no_procedure)?;
        Measure::of(&stored.procedure).1
    };
    let checked = {
        let catalog = state.catalog.get();
        template_of(&filled, measure, &catalog)
    };
    let result = match checked {
        Ok(template) => {
            match setup::set_process(
                store,
                &state.catalog,
                &principal.actor,
                now,
                &id,
                &code,
                Some(template),
            )
            .await
            {
                Ok(()) => return Ok(done(&id, "quy-trinh")),
                Err(ServiceError::BadRequest { message, .. }) => {
                    let mut p = Problems::default();
                    p.add("cac-buoc", message);
                    p
                }
                Err(other) => return Err(other.into()),
            }
        }
        Err(problems) => problems,
    };
    page(
        &state,
        Editor {
            id: &id,
            code: &code,
            rows: &sent,
            configured,
            preview: None,
        },
        &result,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
}

fn done(id: &str, tb: &str) -> Response {
    Redirect::to(&format!("{}?tb={tb}#thong-bao", agency_path(id))).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_and_print_the_vietnamese_way() {
        assert_eq!(parse_number("0,5"), Some(0.5));
        assert_eq!(parse_number(" 2.25 "), Some(2.25));
        assert_eq!(parse_number("-1"), None);
        assert_eq!(parse_number("NaN"), None);
        assert_eq!(parse_number(""), None);
        assert_eq!(number_vi(0.5), "0,5");
        assert_eq!(number_vi(10.0), "10");
        assert_eq!(number_vi(1.0 / 3.0), "0,3333");
    }
}
