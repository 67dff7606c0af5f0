//! "Forgot password": asking for a reset link, and setting a new password with it.

use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::Response,
};
use motcua_service::ServiceError;
use serde_json::json;

use super::{TokenQuery, message, minutes, page, render, respond};
use crate::{
    auth::{
        cookies::{self, CookieName},
        principal::Client,
    },
    pages::{PageError, form::FormData},
    state::AppState,
};

/// `GET /quen-mat-khau`
pub async fn forgot_form(State(state): State<AppState>) -> Result<Response, PageError> {
    page(
        &state,
        StatusCode::OK,
        "forgot.html",
        "Quên mật khẩu",
        json!({"email": "", "error": null}),
    )
}

/// `POST /quen-mat-khau` — the same answer whether or not the address has an account.
pub async fn forgot_submit(
    State(state): State<AppState>,
    Client(ctx): Client,
    form: FormData,
) -> Result<Response, PageError> {
    let input = form.text("email");
    match state
        .accounts
        .request_password_reset(&ctx, state.clock.now(), &input)
        .await
    {
        Ok(()) => message(
            &state,
            StatusCode::OK,
            "Kiểm tra hộp thư của bạn",
            "Nếu địa chỉ email này có tài khoản, chúng tôi đã gửi thư hướng dẫn đặt lại mật khẩu. Liên kết trong thư chỉ dùng được một lần. Tài khoản đăng ký bằng số điện thoại xin liên hệ bộ phận một cửa.",
            Some(("/dang-nhap", "Về trang đăng nhập")),
        ),
        Err(ServiceError::Invalid(errors)) => page(
            &state,
            StatusCode::BAD_REQUEST,
            "forgot.html",
            "Quên mật khẩu",
            json!({"email": input, "error": errors.first().map(|e| e.message.clone())}),
        ),
        Err(ServiceError::TooManyRequests { retry_after }) => message(
            &state,
            StatusCode::TOO_MANY_REQUESTS,
            "Vui lòng thử lại sau",
            &format!(
                "Đã có nhiều yêu cầu đặt lại mật khẩu. Vui lòng thử lại sau {} phút.",
                minutes(retry_after)
            ),
            None,
        ),
        Err(e) => Err(e.into()),
    }
}

fn reset_page(
    state: &AppState,
    status: StatusCode,
    token: &str,
    error: Option<String>,
) -> Result<Response, PageError> {
    page(
        state,
        status,
        "reset.html",
        "Đặt lại mật khẩu",
        json!({"token": token, "error": error}),
    )
}

/// `GET /dat-lai-mat-khau?ma=…`
pub async fn reset_form(
    State(state): State<AppState>,
    Query(q): Query<TokenQuery>,
) -> Result<Response, PageError> {
    reset_page(&state, StatusCode::OK, q.ma.as_deref().unwrap_or(""), None)
}

/// `POST /dat-lai-mat-khau`: consumes the link (single use), sets the password, ends every
/// session of the account.
pub async fn reset_submit(
    State(state): State<AppState>,
    Client(ctx): Client,
    form: FormData,
) -> Result<Response, PageError> {
    let token = form.text("ma");
    match state
        .accounts
        .reset_password(
            &ctx,
            state.clock.now(),
            &token,
            form.raw("password"),
            form.raw("password2"),
        )
        .await
    {
        Ok(()) => {
            let html = render(
                &state,
                "message.html",
                "Đã đặt lại mật khẩu",
                json!({
                    "title": "Đã đặt lại mật khẩu",
                    "text": "Mật khẩu mới đã có hiệu lực và mọi phiên đăng nhập cũ đã kết thúc. Hãy đăng nhập lại.",
                    "link": {"href": "/dang-nhap", "label": "Đăng nhập"},
                }),
            )?;
            Ok(respond(
                StatusCode::OK,
                vec![cookies::clear(
                    CookieName::Session,
                    state.auth.config.https(),
                )],
                html,
            ))
        }
        Err(ServiceError::Invalid(errors)) => reset_page(
            &state,
            StatusCode::BAD_REQUEST,
            &token,
            errors.into_iter().next().map(|e| e.message),
        ),
        Err(ServiceError::BadRequest { .. }) => message(
            &state,
            StatusCode::BAD_REQUEST,
            "Liên kết không còn hiệu lực",
            "Liên kết đặt lại mật khẩu không đúng, đã hết hạn hoặc đã được dùng. Hãy yêu cầu một liên kết mới.",
            Some(("/quen-mat-khau", "Yêu cầu liên kết mới")),
        ),
        Err(e) => Err(e.into()),
    }
}
