//! API tokens for integrations: `mct_` and 64 hex characters, shown once, stored as a hash,
//! limited to scopes (permissions) within the owner's grants, optionally expiring.

use std::collections::BTreeSet;

use jiff::Timestamp;
use motcua_core::{
    audit::Outcome,
    identity::{Permission, vietnam_date},
};
use motcua_service::crypto::{random_token, sha256_hex};
use motcua_store::{NewApiToken, StoredGrant, User};

use super::principal::RequestContext;
use crate::{error::ApiError, state::AppState};

/// Prefix that makes a leaked token recognisable (secret scanners, logs).
pub const TOKEN_PREFIX: &str = "mct_";
/// Longest lifetime a token may be given, in days.
pub const MAX_DAYS: i64 = 366;

/// A token just created; `token` is shown to its owner once and never again.
#[derive(Debug)]
pub struct CreatedToken {
    /// Token id.
    pub id: String,
    /// The secret.
    pub token: String,
    /// Its permissions.
    pub scopes: BTreeSet<Permission>,
    /// Its expiry.
    pub expires_at: Option<Timestamp>,
}

/// The permissions an account holds through grants active today (the default token scopes).
pub fn held_permissions(grants: &[StoredGrant], today: jiff::civil::Date) -> BTreeSet<Permission> {
    grants
        .iter()
        .filter(|g| g.grant.is_active_on(today))
        .flat_map(|g| g.grant.role.permissions().iter().copied())
        .collect()
}

/// Creates a token for `user`. `scopes = None` gives it every permission the user holds today;
/// requested scopes outside those are refused (400), so a token never claims more than its
/// owner could do when it was made.
pub async fn create(
    state: &AppState,
    ctx: &RequestContext,
    user: &User,
    name: &str,
    scopes: Option<&[String]>,
    expires_in_days: Option<i64>,
) -> Result<CreatedToken, ApiError> {
    let now = state.clock.now();
    let name: String = motcua_core::text::clean_line(name)
        .chars()
        .take(80)
        .collect();
    let name = if name.is_empty() {
        "Mã truy cập".to_owned()
    } else {
        name
    };
    let grants = state.store.active_grants(&user.id).await?;
    let held = held_permissions(&grants, vietnam_date(now));
    let scopes: BTreeSet<Permission> = match scopes {
        None => held,
        Some(list) => {
            let mut out = BTreeSet::new();
            for s in list {
                let p: Permission =
                    s.parse()
                        .map_err(|e: motcua_core::identity::UnknownPermission| {
                            ApiError::bad_request("invalid_scope", e.to_string())
                        })?;
                if !held.contains(&p) {
                    return Err(ApiError::bad_request(
                        "invalid_scope",
                        format!("Tài khoản không có quyền {p} nên không thể cấp cho mã truy cập."),
                    ));
                }
                out.insert(p);
            }
            out
        }
    };
    let expires_at = match expires_in_days {
        None => None,
        Some(d) if (1..=MAX_DAYS).contains(&d) => Some(
            Timestamp::from_second(now.as_second() + d * 86_400)
                .map_err(|e| ApiError::internal(e.to_string()))?,
        ),
        Some(_) => {
            return Err(ApiError::bad_request(
                "invalid_parameter",
                format!("Thời hạn của mã phải từ 1 đến {MAX_DAYS} ngày."),
            ));
        }
    };
    let token = format!(
        "{TOKEN_PREFIX}{}",
        random_token().map_err(|e| ApiError::internal(e.to_string()))?
    );
    let id = uuid::Uuid::now_v7().to_string();
    let scope_text = scopes
        .iter()
        .map(|p| p.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let event = ctx
        .event(
            now,
            format!("user:{}", user.id),
            "token.create",
            Outcome::Success,
        )
        .subject(format!("token:{id}"))
        .with("scopes", scope_text.clone());
    state
        .store
        .create_api_token(
            &NewApiToken {
                id: id.clone(),
                user_id: user.id.clone(),
                name,
                token_hash: sha256_hex(&token),
                scopes: scope_text,
                created_at: now,
                expires_at,
            },
            &event,
        )
        .await?;
    Ok(CreatedToken {
        id,
        token,
        scopes,
        expires_at,
    })
}
