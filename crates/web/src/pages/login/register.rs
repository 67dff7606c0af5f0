//! Registering an applicant's account (by e-mail address or phone number).

use axum::{
    extract::{RawQuery, State},
    http::{HeaderMap, StatusCode},
    response::Response,
};
use motcua_service::{
    ServiceError,
    accounts::{Registered, Registration},
};
use motcua_store::SessionLevel;
use serde_json::{Value, json};

use super::{message, minutes, page, presented_session, redirect};
use crate::{
    auth::{login::start_session, principal::Client},
    pages::{PageError, form::FormData},
    state::AppState,
};

fn register_page(
    state: &AppState,
    status: StatusCode,
    values: Value,
    errors: Value,
    next: &str,
) -> Result<Response, PageError> {
    page(
        state,
        status,
        "register.html",
        "Đăng ký tài khoản",
        json!({"values": values, "errors": errors, "next": next}),
    )
}

/// `GET /dang-ky[?tiep=PATH]`: `tiep` is where a new account continues (the step of a dossier
/// the applicant was about to submit).
pub async fn register_form(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let q = FormData::parse(query.unwrap_or_default().as_bytes());
    let next = crate::auth::safe_return_path(Some(q.text("tiep").as_str()));
    register_page(&state, StatusCode::OK, json!({}), json!({}), &next)
}

/// `POST /dang-ky` (the rules, and why an e-mail registration always answers "we sent you a
/// mail", are [`motcua_service::accounts`]'s).
pub async fn register_submit(
    State(state): State<AppState>,
    Client(ctx): Client,
    headers: HeaderMap,
    form: FormData,
) -> Result<Response, PageError> {
    let now = state.clock.now();
    let next = crate::auth::safe_return_path(Some(form.text("tiep").as_str()));
    let registration = Registration {
        name: form.text("name"),
        contact: form.text("contact"),
        citizen_id: form.text("citizen_id"),
        password: form.raw("password").to_owned(),
        password2: form.raw("password2").to_owned(),
    };
    let values = json!({
        "name": motcua_core::text::clean_line(&registration.name),
        "contact": registration.contact,
        "citizen_id": registration.citizen_id,
    });
    let field_errors = |pairs: Vec<(String, String)>| {
        Value::Object(
            pairs
                .into_iter()
                .map(|(f, m)| (f, Value::String(m)))
                .collect(),
        )
    };
    match state.accounts.register(&ctx, now, registration).await {
        Ok(Registered::MailSent) => message(
            &state,
            StatusCode::OK,
            "Kiểm tra hộp thư của bạn",
            "Chúng tôi đã gửi một thư tới địa chỉ email bạn nhập. Hãy mở thư và bấm vào liên kết để kích hoạt tài khoản. Liên kết có hiệu lực trong 48 giờ.",
            Some((
                &format!("/dang-nhap?tiep={}", crate::auth::url_encode(&next)),
                "Đến trang đăng nhập",
            )),
        ),
        Ok(Registered::SignedUp(user)) => {
            let cookie = start_session(
                &state,
                &ctx,
                &user,
                SessionLevel::Full,
                presented_session(&state, &headers).as_deref(),
                "login.success",
            )
            .await?;
            Ok(redirect(&next, vec![cookie]))
        }
        Err(ServiceError::Invalid(errors)) => register_page(
            &state,
            StatusCode::BAD_REQUEST,
            values,
            field_errors(errors.into_iter().map(|e| (e.field, e.message)).collect()),
            &next,
        ),
        Err(ServiceError::Conflict(m)) => register_page(
            &state,
            StatusCode::CONFLICT,
            values,
            field_errors(vec![("contact".to_owned(), m)]),
            &next,
        ),
        Err(ServiceError::TooManyRequests { retry_after }) => message(
            &state,
            StatusCode::TOO_MANY_REQUESTS,
            "Tạm dừng đăng ký",
            &format!(
                "Có quá nhiều tài khoản được đăng ký từ mạng của bạn. Vui lòng thử lại sau {} phút.",
                minutes(retry_after)
            ),
            None,
        ),
        Err(e) => Err(e.into()),
    }
}
