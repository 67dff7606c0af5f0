//! Account mails rendered from the page templates (`templates/mail/*.txt`, overridable like
//! every page), with links to this portal's pages.

use std::sync::Arc;

use jiff::Timestamp;
use motcua_service::{
    ServiceError, ServiceResult,
    accounts::{AccountMail, AccountMails},
};
use motcua_store::NewMail;
use serde_json::json;

use crate::{pages::Templates, state::Site};

/// The renderer the accounts service uses.
#[derive(Debug)]
pub struct TemplateMails {
    templates: Arc<Templates>,
    site: Arc<Site>,
    public_url: String,
}

impl TemplateMails {
    /// Mails from `templates`, signed by `site`, with links under `public_url`.
    pub fn new(templates: Arc<Templates>, site: Arc<Site>, public_url: &str) -> Self {
        Self {
            templates,
            site,
            public_url: public_url.to_owned(),
        }
    }
}

impl AccountMails for TemplateMails {
    fn render(&self, mail: &AccountMail, to: &str, now: Timestamp) -> ServiceResult<NewMail> {
        let url = &self.public_url;
        let (template, subject, ctx) = match mail {
            AccountMail::Verify { name, token, hours } => (
                "mail/verify.txt",
                "Kích hoạt tài khoản",
                json!({"name": name, "hours": hours, "link": format!("{url}/xac-minh-email?ma={token}")}),
            ),
            AccountMail::Reset {
                name,
                token,
                minutes,
            } => (
                "mail/reset.txt",
                "Đặt lại mật khẩu",
                json!({"name": name, "minutes": minutes, "link": format!("{url}/dat-lai-mat-khau?ma={token}")}),
            ),
            AccountMail::AlreadyRegistered { citizen_id_taken } => (
                "mail/already_registered.txt",
                "Tài khoản đã tồn tại",
                json!({"citizen_id_taken": citizen_id_taken}),
            ),
        };
        let mut ctx = ctx;
        if let serde_json::Value::Object(m) = &mut ctx {
            m.insert("public_url".into(), json!(url));
        }
        let body = self
            .templates
            .render(template, ctx)
            .map_err(|e| ServiceError::internal(format!("{:?}", e.0)))?;
        Ok(NewMail {
            id: uuid::Uuid::now_v7().to_string(),
            recipient: to.to_owned(),
            subject: format!("{subject} — {}", self.site.name),
            body,
            created_at: now,
        })
    }
}
