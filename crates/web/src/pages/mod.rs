//! Server-rendered portal pages (Vietnamese first, work without JavaScript).
//!
//! Templates are embedded in the binary so it runs anywhere; an operator may override any of
//! them by placing a file of the same name in the configured templates directory (a province
//! re-brands without recompiling).

use std::path::{Path, PathBuf};

use axum::{
    http::StatusCode,
    response::{Html, IntoResponse, Response},
};
use minijinja::Environment;
use serde::Serialize;

use crate::error::ApiError;

pub mod account;
pub mod agencies;
pub mod calendar;
pub mod catalog;
pub mod form;
pub mod home;
pub mod login;
pub mod office;
pub mod portal;
pub mod problems;
pub mod upload;

/// `(name, source)` of templates embedded from `templates/`: the name is the path, written once.
macro_rules! embedded {
    ($($name:literal),+ $(,)?) => {
        &[$(($name, include_str!(concat!("../../templates/", $name)))),+]
    };
}

/// The embedded templates: (name, source).
const EMBEDDED: &[(&str, &str)] = embedded![
    "base.html",
    "macros.html",
    "home.html",
    "search.html",
    "procedure.html",
    "agencies.html",
    "error.html",
    "calendar.html",
    "due.html",
    "login.html",
    "register.html",
    "forgot.html",
    "reset.html",
    "message.html",
    "totp_challenge.html",
    "totp_setup.html",
    "account.html",
    "portal/macros.html",
    "portal/step.html",
    "portal/agency.html",
    "portal/step_case.html",
    "portal/step_applicant.html",
    "portal/step_representative.html",
    "portal/step_documents.html",
    "portal/step_return.html",
    "portal/step_check.html",
    "portal/submitted.html",
    "portal/mine.html",
    "portal/dossier.html",
    "portal/lookup.html",
    "mot-cua/queues.html",
    "mot-cua/dossier.html",
    "mot-cua/batch.html",
    "mot-cua/reception_find.html",
    "mot-cua/reception.html",
    "mot-cua/officials.html",
    "mot-cua/official_new.html",
    "mot-cua/official.html",
    "mot-cua/catalog_import.html",
    "mot-cua/calendar_import.html",
    "mot-cua/setup_list.html",
    "mot-cua/setup_agency.html",
    "mot-cua/setup_hours.html",
    "mot-cua/setup_process.html",
    "mail/verify.txt",
    "mail/reset.txt",
    "mail/already_registered.txt",
];

/// The template environment.
#[derive(Debug)]
pub struct Templates {
    env: Environment<'static>,
}

/// A template failed to load (at start-up: an operator's override has a syntax error).
#[derive(Debug, thiserror::Error)]
#[error("template {name}: {source}")]
pub struct TemplateError {
    name: String,
    #[source]
    source: minijinja::Error,
}

impl Templates {
    /// Loads the embedded templates, replaced by files in `override_dir` where present. The
    /// installation's presentation (`site`) is a global every template sees.
    pub fn load(
        override_dir: Option<&Path>,
        site: &crate::state::Site,
    ) -> Result<Self, TemplateError> {
        let mut env = Environment::new();
        env.add_global(
            "site",
            minijinja::Value::from(minijinja::value::Serde(site.clone())),
        );
        // Mails are plain text; everything else is HTML and escaped.
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".txt") {
                minijinja::AutoEscape::None
            } else {
                minijinja::AutoEscape::Html
            }
        });
        // The page frame's request data (see `auth::layout`): who is logged in, and the CSRF
        // token every form must carry.
        env.add_function("current_user", || {
            minijinja::Value::from(minijinja::value::Serde(crate::auth::layout::current_user()))
        });
        env.add_function("csrf_token", crate::auth::layout::csrf_token);
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        env.add_filter("number_vi", |x: f64| crate::present::number_vi(x));
        env.add_filter("money_vi", |x: i64| crate::present::money_vi(x));
        env.add_filter("truncate", |s: String, n: usize| truncate_chars(&s, n));
        env.add_filter("lines", |s: String| {
            s.lines()
                .filter(|l| !l.trim().is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        });
        for (name, source) in EMBEDDED {
            let text = override_dir
                .map(|d| d.join(name))
                .and_then(|p: PathBuf| std::fs::read_to_string(p).ok())
                .unwrap_or_else(|| (*source).to_owned());
            env.add_template_owned(*name, text)
                .map_err(|source| TemplateError {
                    name: (*name).to_owned(),
                    source,
                })?;
        }
        Ok(Self { env })
    }

    /// Renders a page.
    pub fn render<S: Serialize>(&self, name: &str, ctx: S) -> Result<String, PageError> {
        self.env
            .get_template(name)
            .and_then(|t| t.render(minijinja::value::Serde(&ctx)))
            .map_err(|e| PageError(ApiError::internal(format!("render {name}: {e:#}"))))
    }
}

/// Shortens text to at most `n` characters (not bytes: Vietnamese letters are multi-byte),
/// ending with "…" when cut.
pub fn truncate_chars(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(n.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// A page request failed: rendered as an HTML error page with the right status.
#[derive(Debug)]
pub struct PageError(pub ApiError);

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> Self {
        Self(e)
    }
}

impl From<motcua_service::ServiceError> for PageError {
    fn from(e: motcua_service::ServiceError) -> Self {
        Self(e.into())
    }
}

impl From<motcua_store::StoreError> for PageError {
    fn from(e: motcua_store::StoreError) -> Self {
        Self(e.into())
    }
}

/// Renders the error page without depending on application state (the template set is
/// embedded, so even a broken override cannot hide the error page).
pub(crate) fn error_page(status: StatusCode, title: &str, message: &str) -> Response {
    static FALLBACK: std::sync::OnceLock<Option<Templates>> = std::sync::OnceLock::new();
    let html = FALLBACK
        .get_or_init(|| Templates::load(None, &crate::state::Site::default()).ok())
        .as_ref()
        .and_then(|t| {
            t.render(
                "error.html",
                serde_json::json!({
                    "page_title": title,
                    "status": status.as_u16(),
                    "title": title,
                    "message": message,
                }),
            )
            .ok()
        })
        .unwrap_or_else(|| format!("<!doctype html><title>{status}</title><p>{message}</p>"));
    (status, Html(html)).into_response()
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        self.0.log();
        let (status, _) = self.0.status_and_code();
        let title = match status {
            StatusCode::NOT_FOUND => "Không tìm thấy trang",
            StatusCode::BAD_REQUEST => "Yêu cầu chưa hợp lệ",
            StatusCode::UNAUTHORIZED => "Cần đăng nhập",
            StatusCode::FORBIDDEN => "Không có quyền truy cập",
            StatusCode::TOO_MANY_REQUESTS => "Vui lòng thử lại sau",
            StatusCode::SERVICE_UNAVAILABLE => "Hệ thống tạm gián đoạn",
            _ => "Đã xảy ra lỗi",
        };
        error_page(status, title, &self.0.public_message())
    }
}

/// Result of a page handler.
pub type PageResult = Result<Html<String>, PageError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_counts_characters() {
        assert_eq!(
            truncate_chars("Đăng ký khai sinh", 100),
            "Đăng ký khai sinh"
        );
        assert_eq!(truncate_chars("Đăng ký khai sinh", 5), "Đăng…");
        assert_eq!(truncate_chars("", 0), "");
    }

    #[test]
    fn embedded_templates_load() {
        Templates::load(None, &crate::state::Site::default()).unwrap();
    }
}
