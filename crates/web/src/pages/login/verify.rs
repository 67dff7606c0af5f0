//! Verifying an e-mail address with the link of the activation mail.

use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::Response,
};
use motcua_service::ServiceError;

use super::{TokenQuery, message};
use crate::{auth::principal::Client, pages::PageError, state::AppState};

/// `GET /xac-minh-email?ma=…`
pub async fn verify_email(
    State(state): State<AppState>,
    Client(ctx): Client,
    Query(q): Query<TokenQuery>,
) -> Result<Response, PageError> {
    let token = q.ma.unwrap_or_default();
    match state
        .accounts
        .verify_email(&ctx, state.clock.now(), &token)
        .await
    {
        Ok(()) => message(
            &state,
            StatusCode::OK,
            "Đã kích hoạt tài khoản",
            "Địa chỉ email đã được xác minh. Bạn có thể đăng nhập.",
            Some(("/dang-nhap", "Đăng nhập")),
        ),
        Err(ServiceError::BadRequest { .. }) => message(
            &state,
            StatusCode::BAD_REQUEST,
            "Liên kết không còn hiệu lực",
            "Liên kết xác minh không đúng, đã hết hạn hoặc đã được dùng.",
            Some(("/dang-nhap", "Về trang đăng nhập")),
        ),
        Err(e) => Err(e.into()),
    }
}
