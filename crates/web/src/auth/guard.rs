//! The guard in front of every route: declared access rule, authentication, CSRF, and the page
//! frame data — in that order, before the handler runs.
//!
//! **Authentication.** `Authorization: Bearer …` (API tokens) or the session cookie; never
//! both: a request with a bearer token ignores cookies entirely. A presented but invalid token
//! is a 401, not an anonymous request.
//!
//! **CSRF.** Every request that can change something (not GET/HEAD/OPTIONS) and is not
//! bearer-authenticated must (1) not come from another origin (`Origin`, else `Referer`, when
//! the browser sends them) and (2) carry the CSRF token: the session's token, or for a
//! visitor without a session, the value of the CSRF cookie (double submit). The token travels
//! in the `csrf` field of a urlencoded form, the `X-CSRF-Token` header, or — for multipart
//! uploads, whose bodies are not read here — a `csrf` query parameter, which the guard then
//! removes so that handlers never see it. API requests without a session cookie carry no
//! ambient credential and are exempt. A refusal is a 403 and an audit event.

use std::sync::Arc;

use axum::{
    body::Body,
    extract::{ConnectInfo, MatchedPath, Request, State},
    http::{HeaderMap, HeaderValue, Method, header},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};
use motcua_core::{audit::Outcome, identity::Permission};
use motcua_service::crypto::{constant_time_eq, random_token, sha256_hex};
use motcua_store::{SessionLevel, UserKind};

use super::{
    cookies::{self, CookieName},
    layout::{Layout, ViewerInfo, with_layout},
    principal::{PendingLogin, Principal, RequestContext, Via, record_event},
    routes::{self, Access},
};
use crate::{error::ApiError, state::AppState};

/// Sessions and tokens are marked as used at most this often (seconds): a write per request
/// would be wasted work on SQLite's single writer.
const TOUCH_EVERY: i64 = 60;

/// What the credentials of a request resolved to.
#[derive(Default)]
struct Resolved {
    principal: Option<Principal>,
    pending: Option<PendingLogin>,
    session_csrf: Option<String>,
    bearer: bool,
    stale_session_cookie: bool,
}

/// The middleware (installed with `route_layer`, so the matched route is known).
pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(path) = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
    else {
        return ApiError::internal("guard ran without a matched route".to_owned()).into_response();
    };
    let method = req.method().clone();
    let is_api = path.starts_with("/api/");
    let fail = |e: ApiError| crate::edge::respond(is_api, e);
    let Some(route) = routes::lookup(&method, &path) else {
        // A method nobody declared for a known path is refused as not allowed — whether or
        // not a handler exists for it: an undeclared handler is never served.
        if routes::ROUTES.iter().any(|r| r.path == path) {
            return fail(ApiError::MethodNotAllowed);
        }
        return fail(ApiError::internal(format!(
            "route {method} {path} has no access declaration in auth::routes::ROUTES"
        )));
    };
    if route.access == Access::Static {
        return next.run(req).await;
    }
    let ctx = request_context(&state, &req);
    let resolved = match resolve(&state, &ctx, req.headers()).await {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    let secure = state.auth.config.https();
    let anon_csrf = cookies::get(req.headers(), CookieName::Csrf, secure);

    let unsafe_method = !matches!(method, Method::GET | Method::HEAD | Method::OPTIONS);
    let has_session = resolved.session_csrf.is_some();
    let mut req = req;
    if unsafe_method && !resolved.bearer && (!is_api || has_session) {
        let expected = resolved.session_csrf.clone().or(anon_csrf.clone());
        let (checked, problem) = match check_csrf(&state, req, expected.as_deref()).await {
            Ok(checked) => checked,
            // The form body could not be read (too large, too slow, broken off).
            Err(e) => return fail(e),
        };
        req = checked;
        if let Some(problem) = problem {
            let actor = resolved
                .principal
                .as_ref()
                .map(Principal::audit_id)
                .or_else(|| {
                    resolved
                        .pending
                        .as_ref()
                        .map(|p| format!("user:{}", p.user.id))
                })
                .unwrap_or_else(|| "anonymous".to_owned());
            let event = ctx
                .event(state.clock.now(), actor, "csrf.rejected", Outcome::Denied)
                .with("route", format!("{method} {path}"))
                .with("reason", problem);
            record_event(&state, &event).await;
            // A page's form posted after its session ended (a citizen mid-way through a
            // dossier): sign in again and come back to the same page, where the draft kept
            // every step saved before. Nothing of the refused request is done.
            let needs_account = matches!(
                route.access,
                Access::Authenticated | Access::Official | Access::Permission(_)
            );
            if !is_api
                && !has_session
                && needs_account
                && routes::lookup(&Method::GET, &path).is_some()
            {
                strip_csrf_param(&mut req);
                let here = req.uri().path_and_query().map_or("/", |p| p.as_str());
                return Redirect::to(&format!("/dang-nhap?tiep={}", super::url_encode(here)))
                    .into_response();
            }
            return fail(ApiError::forbidden(
                "Yêu cầu không hợp lệ hoặc trang đã hết hạn. Hãy tải lại trang rồi thử lại."
                    .to_owned(),
            ));
        }
    }

    // The token has done its job: handlers (whose query structs refuse unknown fields) never
    // see it, and it is not echoed into the login redirect below.
    strip_csrf_param(&mut req);

    let here = req
        .uri()
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_owned();
    if let Err(response) = check_access(
        &state,
        &ctx,
        route.access,
        &resolved,
        &method,
        &here,
        is_api,
    )
    .await
    {
        return response;
    }

    // Frame data for templates.
    let viewer = match (&resolved.principal, &resolved.pending) {
        (Some(p), _) => Some(ViewerInfo {
            name: p.user.display_name.clone(),
            official: p.user.kind == UserKind::Official,
            pending: false,
        }),
        (None, Some(p)) => Some(ViewerInfo {
            name: p.user.display_name.clone(),
            official: p.user.kind == UserKind::Official,
            pending: true,
        }),
        (None, None) => None,
    };
    let (csrf, fresh_csrf) = match (&resolved.session_csrf, &anon_csrf) {
        (Some(t), _) => (t.clone(), false),
        (None, Some(t)) => (t.clone(), false),
        (None, None) => match random_token() {
            Ok(t) => (t, true),
            Err(e) => return fail(ApiError::internal(e.to_string())),
        },
    };
    let layout = Arc::new(Layout::new(viewer, csrf.clone()));
    let personal = resolved.principal.is_some() || resolved.pending.is_some();
    req.extensions_mut().insert(ctx);
    if let Some(p) = resolved.principal {
        req.extensions_mut().insert(p);
    }
    if let Some(p) = resolved.pending {
        req.extensions_mut().insert(p);
    }
    let mut response = with_layout(layout.clone(), next.run(req)).await;

    let headers = response.headers_mut();
    let sets_session = headers.get_all(header::SET_COOKIE).iter().any(|v| {
        v.to_str()
            .is_ok_and(|s| s.starts_with(&format!("{}=", CookieName::Session.name(secure))))
    });
    if resolved.stale_session_cookie && !sets_session {
        headers.append(
            header::SET_COOKIE,
            cookies::clear(CookieName::Session, secure),
        );
    }
    if fresh_csrf && layout.csrf_used() {
        headers.append(
            header::SET_COOKIE,
            cookies::set(CookieName::Csrf, &csrf, secure, None),
        );
    }
    // Pages with a user's data or a token in them must never be stored by a shared cache.
    if personal || headers.contains_key(header::SET_COOKIE) || layout.csrf_used() {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// Client address, request id and browser of a request.
fn request_context(state: &AppState, req: &Request) -> RequestContext {
    let peer = req
        .extensions()
        .get::<ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip());
    let headers = req.headers();
    RequestContext {
        ip: super::client::client_ip(peer, headers, &state.auth.config.trusted_proxies),
        request_id: headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(64).collect()),
        user_agent: headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(160).collect()),
    }
}

/// Turns the request's credentials into a principal (or a pending login).
async fn resolve(
    state: &AppState,
    ctx: &RequestContext,
    headers: &HeaderMap,
) -> Result<Resolved, ApiError> {
    let now = state.clock.now();
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        let token = value
            .to_str()
            .ok()
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .filter(|t| !t.is_empty() && t.len() <= 200)
            .ok_or_else(|| {
                ApiError::unauthorized("Tiêu đề Authorization phải là \"Bearer <mã>\".".to_owned())
            })?;
        let principal = token_principal(state, ctx, token).await?;
        return Ok(Resolved {
            principal: Some(principal),
            bearer: true,
            ..Resolved::default()
        });
    }
    let secure = state.auth.config.https();
    let Some(cookie) = cookies::get(headers, CookieName::Session, secure) else {
        return Ok(Resolved::default());
    };
    let id_hash = sha256_hex(&cookie);
    let Some(session) = state.store.session(&id_hash).await? else {
        return Ok(Resolved {
            stale_session_cookie: true,
            ..Resolved::default()
        });
    };
    let idle_limit = state.auth.config.session_idle_seconds;
    let idle = now.as_second() - session.last_seen_at.as_second();
    if now >= session.expires_at || idle > idle_limit || session.user.disabled_at.is_some() {
        state.store.delete_session(&id_hash, None).await?;
        return Ok(Resolved {
            stale_session_cookie: true,
            ..Resolved::default()
        });
    }
    if idle >= TOUCH_EVERY {
        state.store.touch_session(&id_hash, now).await?;
    }
    let user = Arc::new(session.user);
    match session.level {
        SessionLevel::Partial => Ok(Resolved {
            pending: Some(PendingLogin { user, id_hash }),
            session_csrf: Some(session.csrf_token),
            ..Resolved::default()
        }),
        SessionLevel::Full => {
            let grants = state.store.active_grants(&user.id).await?;
            Ok(Resolved {
                principal: Some(Principal::new(
                    user,
                    grants.into(),
                    Via::Session {
                        id_hash,
                        csrf: session.csrf_token.clone(),
                    },
                    ctx.clone(),
                )),
                session_csrf: Some(session.csrf_token),
                ..Resolved::default()
            })
        }
    }
}

/// The principal behind an API token, or 401 (audited when the token is known but unusable).
async fn token_principal(
    state: &AppState,
    ctx: &RequestContext,
    token: &str,
) -> Result<Principal, ApiError> {
    let now = state.clock.now();
    let invalid =
        || ApiError::unauthorized("Mã truy cập không hợp lệ hoặc đã bị thu hồi.".to_owned());
    let Some((info, user)) = state.store.api_token(&sha256_hex(token)).await? else {
        tracing::warn!("request with an unknown API token");
        return Err(invalid());
    };
    let problem = if info.revoked_at.is_some() {
        Some("revoked")
    } else if info.expires_at.is_some_and(|e| e <= now) {
        Some("expired")
    } else if user.disabled_at.is_some() {
        Some("account_disabled")
    } else {
        None
    };
    if let Some(reason) = problem {
        let event = ctx
            .event(
                now,
                format!("user:{}", user.id),
                "token.rejected",
                Outcome::Denied,
            )
            .subject(format!("token:{}", info.id))
            .with("reason", reason);
        record_event(state, &event).await;
        return Err(invalid());
    }
    if info
        .last_used_at
        .is_none_or(|t| now.as_second() - t.as_second() >= TOUCH_EVERY)
    {
        state.store.touch_api_token(&info.id, now).await?;
    }
    let grants = state.store.active_grants(&user.id).await?;
    let scopes = info
        .scopes
        .split_whitespace()
        .filter_map(|s| s.parse::<Permission>().ok())
        .collect();
    Ok(Principal::new(
        Arc::new(user),
        grants.into(),
        Via::Token {
            id: info.id,
            scopes,
        },
        ctx.clone(),
    ))
}

/// Applies the route's declared rule.
async fn check_access(
    state: &AppState,
    ctx: &RequestContext,
    access: Access,
    resolved: &Resolved,
    method: &Method,
    here: &str,
    is_api: bool,
) -> Result<(), Response> {
    let to_login = |pending: bool| -> Response {
        if is_api {
            return ApiError::unauthorized("Bạn cần đăng nhập.".to_owned()).into_response();
        }
        if pending {
            return Redirect::to("/dang-nhap/xac-thuc").into_response();
        }
        let target = if method == Method::GET {
            format!("/dang-nhap?tiep={}", super::url_encode(here))
        } else {
            "/dang-nhap".to_owned()
        };
        Redirect::to(&target).into_response()
    };
    let forbidden = |message: &str| -> Response {
        crate::edge::respond(is_api, ApiError::forbidden(message.to_owned()))
    };
    match access {
        Access::Static | Access::Public => Ok(()),
        Access::PartialSession => {
            if resolved.pending.is_some() {
                Ok(())
            } else if resolved.principal.is_some() {
                Err(Redirect::to("/tai-khoan").into_response())
            } else {
                Err(to_login(false))
            }
        }
        Access::Authenticated | Access::Official | Access::Permission(_) => {
            let Some(p) = &resolved.principal else {
                return Err(to_login(resolved.pending.is_some()));
            };
            match access {
                Access::Official if !p.is_official() => {
                    Err(forbidden("Chức năng này dành cho cán bộ, công chức."))
                }
                Access::Permission(perm) => match p.holds(state, perm) {
                    Ok(()) => Ok(()),
                    Err(refusal) => {
                        let event = ctx
                            .event(
                                state.clock.now(),
                                p.audit_id(),
                                "permission.denied",
                                Outcome::Denied,
                            )
                            .with("permission", perm.as_str())
                            .with("reason", refusal.as_str())
                            .with(
                                "route",
                                format!("{method} {}", here.split('?').next().unwrap_or("")),
                            );
                        record_event(state, &event).await;
                        Err(forbidden(
                            "Tài khoản của bạn không có quyền thực hiện thao tác này.",
                        ))
                    }
                },
                _ => Ok(()),
            }
        }
    }
}

/// Checks origin and token; returns the request (with its body restored) and the problem, or
/// the error reading a form body.
async fn check_csrf(
    state: &AppState,
    req: Request,
    expected: Option<&str>,
) -> Result<(Request, Option<&'static str>), ApiError> {
    if let Some(problem) = cross_origin(state, req.headers()) {
        return Ok((req, Some(problem)));
    }
    let Some(expected) = expected else {
        return Ok((req, Some("no_token_issued")));
    };
    let from_header = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let from_query = req.uri().query().and_then(|q| {
        openidconnect::url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v.into_owned())
    });
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    let (req, from_body) = if is_form && from_header.is_none() {
        let (parts, body) = req.into_parts();
        // Capped at the edge (`BODY_LIMIT` for every form route).
        let bytes = crate::edge::read_body(body).await?;
        let token = openidconnect::url::form_urlencoded::parse(&bytes)
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v.into_owned());
        (Request::from_parts(parts, Body::from(bytes)), token)
    } else {
        (req, None)
    };
    let given = from_header.or(from_body).or(from_query);
    Ok(match given {
        Some(g) if constant_time_eq(g.as_bytes(), expected.as_bytes()) => (req, None),
        Some(_) => (req, Some("token_mismatch")),
        None => (req, Some("token_missing")),
    })
}

/// Removes every `csrf` query parameter (the documented way to send the token with a body the
/// guard does not read, e.g. an upload), keeping the other parameters exactly as sent.
fn strip_csrf_param(req: &mut Request) {
    let Some(query) = req.uri().query() else {
        return;
    };
    let is_csrf = |pair: &&str| {
        let key = pair.split('=').next().unwrap_or("");
        openidconnect::url::form_urlencoded::parse(key.as_bytes())
            .next()
            .is_some_and(|(k, _)| k == "csrf")
    };
    if !query.split('&').any(|p| is_csrf(&p)) {
        return;
    }
    let kept: Vec<&str> = query.split('&').filter(|p| !is_csrf(p)).collect();
    let path_and_query = if kept.is_empty() {
        req.uri().path().to_owned()
    } else {
        format!("{}?{}", req.uri().path(), kept.join("&"))
    };
    let mut parts = req.uri().clone().into_parts();
    if let Ok(pq) = path_and_query.parse() {
        parts.path_and_query = Some(pq);
        if let Ok(uri) = axum::http::Uri::from_parts(parts) {
            *req.uri_mut() = uri;
        }
    }
}

/// `Some(reason)` when the browser says the request comes from another origin.
fn cross_origin(state: &AppState, headers: &HeaderMap) -> Option<&'static str> {
    let config = &state.auth.config;
    let scheme = if config.https() { "https" } else { "http" };
    let host_origin = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(|h| format!("{scheme}://{h}"));
    let same = |origin: &str| {
        origin == config.public_origin()
            || (!config.public_url_explicit && host_origin.as_deref() == Some(origin))
    };
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        return (!same(origin)).then_some("cross_origin");
    }
    if let Some(referer) = headers.get(header::REFERER).and_then(|v| v.to_str().ok()) {
        let after_scheme = referer.find("://").map_or(0, |i| i + 3);
        let origin = match referer[after_scheme..].find('/') {
            Some(i) => &referer[..after_scheme + i],
            None => referer,
        };
        return (!same(origin)).then_some("cross_origin_referer");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stripped(uri: &str) -> String {
        let mut req = Request::builder().uri(uri).body(Body::empty()).unwrap();
        strip_csrf_param(&mut req);
        req.uri().to_string()
    }

    #[test]
    fn the_csrf_parameter_never_reaches_handlers() {
        assert_eq!(
            stripped("/api/v1/files?name=a.pdf&csrf=x"),
            "/api/v1/files?name=a.pdf"
        );
        assert_eq!(
            stripped("/api/v1/files?csrf=x&name=t%E1%BB%9D+khai.pdf"),
            "/api/v1/files?name=t%E1%BB%9D+khai.pdf"
        );
        assert_eq!(stripped("/api/v1/files?csrf=x"), "/api/v1/files");
        assert_eq!(
            stripped("/api/v1/files?c%73rf=x&csrf=y&n=1"),
            "/api/v1/files?n=1"
        );
        // Anything else is left exactly as sent.
        assert_eq!(stripped("/a?csrfx=1&xcsrf=2"), "/a?csrfx=1&xcsrf=2");
        assert_eq!(stripped("/a"), "/a");
    }
}
