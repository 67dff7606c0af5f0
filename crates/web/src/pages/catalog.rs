//! The search results page and the procedure page.

use std::collections::BTreeMap;

use axum::{
    extract::{Path, State},
    response::Html,
};
use motcua_core::catalog::{Channel, ImplementingLevel, OnlineLevel, Procedure};
use motcua_service::calendar::query as calendar_query;
use serde_json::{Value, json};

use super::{PageError, PageResult};
use crate::{
    api::procedures::{parse_code, summary},
    error::ApiError,
    extract::ApiQuery,
    present,
    search::{SearchParams, ValidSearch},
    state::AppState,
};

/// Builds a `/thu-tuc?...` link keeping the current filters, with some replaced.
fn link(s: &ValidSearch, changes: &[(&str, Option<String>)]) -> String {
    let mut params: BTreeMap<&str, String> = BTreeMap::new();
    if !s.q.is_empty() {
        params.insert("q", s.q.clone());
    }
    if let Some(f) = &s.field {
        params.insert("field", f.clone());
    }
    if let Some(l) = s.level {
        params.insert("level", l.slug().to_owned());
    }
    if let Some(a) = &s.agency {
        params.insert("agency", a.clone());
    }
    if let Some(o) = s.online {
        params.insert("online", o.as_str().to_owned());
    }
    if s.limit != crate::search::DEFAULT_LIMIT {
        params.insert("limit", s.limit.to_string());
    }
    for (k, v) in changes {
        match v {
            Some(v) => params.insert(k, v.clone()),
            None => params.remove(k),
        };
    }
    let query: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{k}={}", urlencode(v)))
        .collect();
    if query.is_empty() {
        "/thu-tuc".to_owned()
    } else {
        format!("/thu-tuc?{}", query.join("&"))
    }
}

fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b))
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Page numbers to show: first, last, and a window around the current page.
fn page_numbers(current: u32, pages: u32) -> Vec<Option<u32>> {
    let mut out = Vec::new();
    let mut last = 0;
    for p in 1..=pages {
        if p == 1 || p == pages || p.abs_diff(current) <= 2 {
            if last != 0 && p > last + 1 {
                out.push(None);
            }
            out.push(Some(p));
            last = p;
        }
    }
    out
}

/// `GET /thu-tuc`
pub async fn search(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<SearchParams>,
) -> PageResult {
    let catalog = state.catalog.get();
    let s = params.validate(&catalog)?;
    let page = s.run(&catalog);
    let pages = s.pages(page.total);
    let items: Vec<_> = page
        .codes
        .iter()
        .filter_map(|c| catalog.hit(c))
        .map(|p| summary(&p.procedure))
        .collect();
    // One option of a facet: its link sets the filter, or removes it when it is the one set.
    let facet = |kind: &str, set: Option<&str>, value: &str, label: &str, count: usize| {
        let selected = set == Some(value);
        json!({
            "value": value, "label": label, "count": count, "selected": selected,
            "href": link(&s, &[(kind, if selected { None } else { Some(value.to_owned()) }), ("page", None)]),
        })
    };
    let (set_level, set_online, set_field) = (
        s.level.map(ImplementingLevel::slug),
        s.online.map(OnlineLevel::as_str),
        s.field.as_deref(),
    );
    let levels: Vec<Value> = (page.facets.levels.iter())
        .map(|c| {
            facet(
                "level",
                set_level,
                c.level.slug(),
                c.level.label_vi(),
                c.count,
            )
        })
        .collect();
    let online: Vec<Value> = (page.facets.online.iter())
        .map(|c| {
            facet(
                "online",
                set_online,
                c.online.as_str(),
                c.online.label_vi(),
                c.count,
            )
        })
        .collect();
    let fields: Vec<Value> = (page.facets.fields.iter())
        .map(|c| facet("field", set_field, &c.field, &c.field, c.count))
        .collect();
    let agencies: Vec<Value> = catalog
        .agencies()
        .iter()
        .filter(|a| a.valid_to.is_none() && catalog.offer_count(&a.id) > 0)
        .map(
            |a| json!({"id": a.id, "name": a.name, "selected": s.agency.as_deref() == Some(&a.id)}),
        )
        .collect();
    let pager: Vec<Value> = page_numbers(s.page, pages)
        .into_iter()
        .map(|p| match p {
            Some(n) => json!({"gap": false, "n": n, "href": link(&s, &[("page", Some(n.to_string()))]), "current": n == s.page}),
            None => json!({"gap": true}),
        })
        .collect();
    let first = (s.page as usize - 1) * s.limit as usize + 1;
    let html = state.templates.render(
        "search.html",
        json!({
            "page_title": if s.q.is_empty() { format!("Danh mục thủ tục — {}", state.site.name) } else { format!("{} — Tìm thủ tục", s.q) },
            "q": s.q,
            "field": s.field,
            "level": s.level.map(ImplementingLevel::slug),
            "online": s.online.map(OnlineLevel::as_str),
            "agency": s.agency,
            "items": items,
            "total": page.total,
            "from": first.min(page.total),
            "to": (first + items.len()).saturating_sub(1),
            "page": s.page,
            "pages": pages,
            "pager": pager,
            "prev": (s.page > 1).then(|| link(&s, &[("page", Some((s.page - 1).to_string()))])),
            "next": (s.page < pages).then(|| link(&s, &[("page", Some((s.page + 1).to_string()))])),
            "levels": levels,
            "online_levels": online,
            "fields": fields,
            "agencies": agencies,
            "clear": link(&s, &[("field", None), ("level", None), ("online", None), ("agency", None), ("page", None)]),
            "filtered": s.field.is_some() || s.level.is_some() || s.online.is_some() || s.agency.is_some(),
        }),
    )?;
    Ok(Html(html))
}

fn channel_json(p: &Procedure) -> Vec<Value> {
    let order = |c: Channel| match c {
        Channel::Online => 0,
        Channel::Direct => 1,
        Channel::Postal => 2,
    };
    let mut methods: Vec<_> = p.methods.iter().collect();
    methods.sort_by_key(|m| order(m.channel));
    methods
        .into_iter()
        .map(|m| {
            json!({
                "channel": m.channel.label_vi(),
                "time": m.time.as_ref().map(present::time_text).unwrap_or_else(|| m.time_text.clone()),
                "fees": m.fees.iter().map(|f| json!({
                    "amount": match f.amount_vnd { Some(0) => Some("Miễn phí".to_owned()), Some(v) => Some(present::money_vi(v)), None => None },
                    "text": f.text,
                })).collect::<Vec<_>>(),
                "description": m.description,
            })
        })
        .collect()
}

/// "If you submit now": each channel's expected due instant on the national calendar at the
/// clock's now, with the days it skips.
pub(crate) fn estimates_json(state: &AppState, p: &Procedure) -> Vec<Value> {
    let calendars = state.calendars.get();
    calendar_query::estimates(calendars.national(), state.clock.now(), &p.methods)
        .iter()
        .map(|e| {
            let due = &e.due;
            let channels: Vec<&str> = e.channels.iter().map(|c| c.label_vi()).collect();
            json!({
                "channels": channels.join(", "),
                "limit": present::time_text(&e.time),
                "due_text": calendar_query::instant_vi(due.at),
                "due_iso": calendar_query::rfc3339_vn(due.at),
                "summary": due.explanation.summary_vi(),
                "skipped": due.explanation.skipped.iter().map(|n| json!({
                    "date": calendar_query::date_vi(n.date),
                    "label": n.label(),
                })).collect::<Vec<_>>(),
                "calculator": format!(
                    "/lich-lam-viec/tinh-han?amount={}&unit={}",
                    e.time.amount,
                    calendar_query::unit_str(e.time.unit)
                ),
            })
        })
        .collect()
}

/// `GET /thu-tuc/{code}`
pub async fn procedure(State(state): State<AppState>, Path(code): Path<String>) -> PageResult {
    let code = parse_code(&code).map_err(|_| {
        PageError(ApiError::not_found(
            "Mã thủ tục không đúng dạng (ví dụ đúng: 1.001193).".to_owned(),
        ))
    })?;
    let catalog = state.catalog.get();
    let stored = catalog.procedure(&code).ok_or_else(|| {
        PageError(ApiError::not_found(format!(
            "Không có thủ tục mang mã {code}."
        )))
    })?;
    let p = &stored.procedure;
    let offers: Vec<Value> = catalog
        .offers(&code)
        .iter()
        .filter_map(|(id, level)| catalog.agency(id).map(|a| (a, level)))
        .filter(|(a, _)| a.valid_to.is_none())
        .map(|(a, level)| json!({"id": a.id, "name": a.name, "address": a.address, "online": level.label_vi()}))
        .collect();
    let estimates = estimates_json(&state, p);
    let apply_online = catalog
        .offers(&code)
        .iter()
        .filter(|(id, level)| {
            *level != motcua_core::catalog::OnlineLevel::None
                && catalog.agency(id).is_some_and(|a| a.valid_to.is_none())
        })
        .count();
    let html = state.templates.render(
        "procedure.html",
        json!({
            "page_title": format!("{} — {}", p.name, state.site.name),
            "p": p,
            "levels": p.levels.iter().map(|l| l.label_vi()).collect::<Vec<_>>(),
            "online_label": p.online_level.label_vi(),
            "online": p.online_level.as_str(),
            "summary_time": present::summary_time(p),
            "summary_fee": present::summary_fee(p),
            "channels": channel_json(p),
            "estimates": estimates,
            "offers": offers,
            "offer_count": offers.len(),
            "apply_online": apply_online,
            "version": stored.version,
            "valid_from": stored.valid_from.to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(7))).strftime("%d/%m/%Y").to_string(),
            "legal": p.legal_bases.iter().map(|l| json!({
                "number": l.number, "title": l.title, "issuer": l.issuer,
                "issued_on": l.issued_on.map(|d| d.strftime("%d/%m/%Y").to_string()),
            })).collect::<Vec<_>>(),
            "document_count": p.cases.iter().filter(|c| !present::is_notes_group(&c.name)).map(|c| c.components.len()).sum::<usize>(),
            "cases": p.cases.iter().map(|c| json!({
                "name": present::strip_bullet(&c.name).trim_end_matches(':'),
                "notes": present::is_notes_group(&c.name),
                // Required, conditional (with its question) or a note: a note gets no checkbox.
                "items": motcua_core::catalog::classify_case(c).into_iter().zip(&c.components).map(|(k, d)| json!({
                    "name": k.document,
                    "kind": k.kind.as_str(),
                    "condition": k.condition.as_ref().map(|c| c.question.clone()),
                    "originals": d.originals,
                    "copies": d.copies,
                    "forms": d.forms,
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        }),
    )?;
    Ok(Html(html))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pager_shows_a_window_with_gaps() {
        let show = |c, n| {
            page_numbers(c, n)
                .into_iter()
                .map(|p| p.map_or("…".to_owned(), |n| n.to_string()))
                .collect::<Vec<_>>()
                .join(" ")
        };
        assert_eq!(show(1, 1), "1");
        assert_eq!(show(1, 10), "1 2 3 … 10");
        assert_eq!(show(5, 10), "1 … 3 4 5 6 7 … 10");
        assert_eq!(show(10, 10), "1 … 8 9 10");
        assert_eq!(show(1, 0), "");
    }

    #[test]
    fn links_keep_filters_and_encode() {
        let s = ValidSearch {
            q: "đăng ký".into(),
            field: Some("Hộ tịch".into()),
            level: Some(ImplementingLevel::Commune),
            agency: None,
            online: None,
            page: 3,
            limit: 20,
        };
        assert_eq!(
            link(&s, &[("page", Some("4".into()))]),
            "/thu-tuc?field=H%E1%BB%99+t%E1%BB%8Bch&level=commune&page=4&q=%C4%91%C4%83ng+k%C3%BD"
        );
        assert_eq!(
            link(&s, &[("field", None), ("level", None), ("q", None)]),
            "/thu-tuc"
        );
    }
}
