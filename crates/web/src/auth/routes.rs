//! **Every route's access rule, in one table.**
//!
//! The guard middleware looks each request's matched route up here before anything else runs
//! and refuses to serve a route that is missing (fail closed: a 500 that names the route), so
//! a route added without a declaration cannot silently become public. A test enumerates the
//! API operations of the OpenAPI document and the page routes and fails when one is missing
//! here; the OpenAPI document shows each rule as `x-permission`.
//!
//! The rule here is the *coarse* gate (who may call the route at all). Handlers acting on one
//! object still check the object's agency and procedure with [`super::Principal::require`], and
//! list handlers filter with [`super::Principal::scope`].

use axum::http::Method;
use motcua_core::identity::Permission;

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, and no session is even looked up (assets, health checks, the API document).
    Static,
    /// Anyone; the visitor's session, if any, is available to the handler.
    Public,
    /// Only a session that passed the password and still owes its second factor.
    PartialSession,
    /// Any authenticated user (full session or API token).
    Authenticated,
    /// An authenticated official.
    Official,
    /// An authenticated user holding this permission somewhere (for installation-wide
    /// permissions: over the whole installation).
    Permission(Permission),
}

impl Access {
    /// The rule as shown in the OpenAPI document (`x-permission`).
    pub fn label(self) -> &'static str {
        match self {
            Self::Static | Self::Public => "public",
            Self::PartialSession => "partial_session",
            Self::Authenticated => "authenticated",
            Self::Official => "official",
            Self::Permission(p) => p.as_str(),
        }
    }
}

/// One route and its rule.
#[derive(Debug, Clone, Copy)]
pub struct RouteAccess {
    /// HTTP method (`GET` also covers `HEAD`).
    pub method: &'static str,
    /// The route pattern exactly as registered, e.g. `/thu-tuc/{code}`.
    pub path: &'static str,
    /// Who may call it.
    pub access: Access,
}

const fn r(method: &'static str, path: &'static str, access: Access) -> RouteAccess {
    RouteAccess {
        method,
        path,
        access,
    }
}

/// A route for holders of `permission`.
const fn needs(method: &'static str, path: &'static str, permission: Permission) -> RouteAccess {
    r(method, path, Access::Permission(permission))
}

use Access::{Authenticated, Official, PartialSession, Public, Static};

/// The table.
pub const ROUTES: &[RouteAccess] = &[
    // Assets and operations.
    r("GET", "/assets/style.css", Static),
    r("GET", "/assets/app.js", Static),
    r("GET", "/assets/favicon.svg", Static),
    r("GET", "/healthz", Static),
    r("GET", "/readyz", Static),
    r("GET", "/api/v1/openapi.json", Static),
    // The public catalog: pages and API.
    r("GET", "/", Public),
    r("GET", "/thu-tuc", Public),
    r("GET", "/thu-tuc/{code}", Public),
    r("GET", "/co-quan", Public),
    r("GET", "/api/v1/procedures", Public),
    r("GET", "/api/v1/procedures/{code}", Public),
    r("GET", "/api/v1/procedures/{code}/versions", Public),
    r("GET", "/api/v1/fields", Public),
    r("GET", "/api/v1/agencies", Public),
    // The working-time calendar: pages and read API (writes go through the CLI for now).
    r("GET", "/lich-lam-viec", Public),
    r("GET", "/lich-lam-viec/tinh-han", Public),
    r("GET", "/api/v1/calendar/lunar", Public),
    r("GET", "/api/v1/calendar/due", Public),
    r("GET", "/api/v1/calendar/{year}", Public),
    // Signing in and out.
    r("GET", "/dang-nhap", Public),
    r("POST", "/dang-nhap", Public),
    r("POST", "/dang-nhap/oidc/{provider}", Public),
    r("GET", "/dang-nhap/oidc/{provider}/callback", Public),
    r("GET", "/dang-nhap/xac-thuc", PartialSession),
    r("POST", "/dang-nhap/xac-thuc", PartialSession),
    r("POST", "/dang-xuat", Public),
    r("GET", "/dang-ky", Public),
    r("POST", "/dang-ky", Public),
    r("GET", "/quen-mat-khau", Public),
    r("POST", "/quen-mat-khau", Public),
    r("GET", "/dat-lai-mat-khau", Public),
    r("POST", "/dat-lai-mat-khau", Public),
    r("GET", "/xac-minh-email", Public),
    r("POST", "/api/v1/auth/token", Public),
    r("DELETE", "/api/v1/auth/token", Authenticated),
    r("GET", "/api/v1/me", Authenticated),
    // The account page.
    r("GET", "/tai-khoan", Authenticated),
    r("POST", "/tai-khoan/dang-xuat-tat-ca", Authenticated),
    r("POST", "/tai-khoan/ma-truy-cap", Authenticated),
    r("POST", "/tai-khoan/ma-truy-cap/{id}/thu-hoi", Authenticated),
    r("GET", "/tai-khoan/xac-thuc-hai-buoc", Official),
    r("POST", "/tai-khoan/xac-thuc-hai-buoc", Official),
    r("POST", "/tai-khoan/xac-thuc-hai-buoc/tat", Official),
    // The citizen portal: the dossier service decides who may (applicants own drafts and
    // their dossiers); the lookup needs the code and its second factor.
    r("GET", "/nop-ho-so/{code}", Authenticated),
    r("POST", "/nop-ho-so/{code}", Authenticated),
    r("GET", "/ho-so-dang-soan/{id}/{step}", Authenticated),
    r("POST", "/ho-so-dang-soan/{id}/{step}", Authenticated),
    r("GET", "/ho-so-cua-toi", Authenticated),
    r("GET", "/ho-so-cua-toi/{code}", Authenticated),
    r("GET", "/ho-so-cua-toi/{code}/da-nop", Authenticated),
    r(
        "POST",
        "/ho-so-cua-toi/{code}/thao-tac/{action}",
        Authenticated,
    ),
    r("GET", "/tra-cuu-ho-so", Public),
    // Dossiers: the handlers decide per dossier (owner, or grants at an involved agency).
    r("POST", "/api/v1/dossiers", Authenticated),
    r("GET", "/api/v1/dossiers/{code}", Authenticated),
    r(
        "POST",
        "/api/v1/dossiers/{code}/actions/{action}",
        Authenticated,
    ),
    r("GET", "/api/v1/dossiers/{code}/files/{id}", Authenticated),
    r("POST", "/api/v1/files", Authenticated),
    r("GET", "/api/v1/me/dossiers", Authenticated),
    r("GET", "/api/v1/inbox", Official),
    r("GET", "/api/v1/lookup/{code}", Public),
    // The back office: printed forms (the handlers decide per dossier and per desk) and the
    // officials' pages.
    r("GET", "/api/v1/dossiers/{code}/forms/{form}", Authenticated),
    r("GET", "/api/v1/ledger", Official),
    r("GET", "/assets/office.css", Static),
    r("GET", "/mot-cua", Official),
    r("GET", "/mot-cua/ho-so/{code}", Official),
    r("GET", "/mot-cua/ho-so/{code}/tep/{id}", Official),
    r("POST", "/mot-cua/chuyen-buoc", Official),
    needs("GET", "/mot-cua/tiep-nhan", Permission::DossierReceive),
    needs(
        "GET",
        "/mot-cua/tiep-nhan/{code}",
        Permission::DossierReceive,
    ),
    needs(
        "POST",
        "/mot-cua/tiep-nhan/{code}",
        Permission::DossierReceive,
    ),
    r("POST", "/mot-cua/ho-so/{code}/thao-tac/{action}", Official),
    // Administration.
    needs(
        "POST",
        "/api/v1/procedures/import",
        Permission::CatalogImport,
    ),
    needs("GET", "/mot-cua/lich", Permission::CalendarEdit),
    needs("POST", "/mot-cua/lich", Permission::CalendarEdit),
    needs("POST", "/mot-cua/lich/luu", Permission::CalendarEdit),
    needs("GET", "/mot-cua/danh-muc", Permission::CatalogImport),
    needs("POST", "/mot-cua/danh-muc", Permission::CatalogImport),
    needs("GET", "/mot-cua/don-vi", Permission::CatalogImport),
    needs("GET", "/mot-cua/don-vi/{id}", Permission::CatalogImport),
    needs(
        "POST",
        "/mot-cua/don-vi/{id}/thu-tuc",
        Permission::CatalogImport,
    ),
    needs(
        "POST",
        "/mot-cua/don-vi/{id}/them",
        Permission::CatalogImport,
    ),
    needs(
        "GET",
        "/mot-cua/don-vi/{id}/quy-trinh/{code}",
        Permission::CatalogImport,
    ),
    needs(
        "POST",
        "/mot-cua/don-vi/{id}/quy-trinh/{code}",
        Permission::CatalogImport,
    ),
    needs(
        "GET",
        "/mot-cua/don-vi/{id}/gio-lam-viec",
        Permission::CalendarEdit,
    ),
    needs(
        "POST",
        "/mot-cua/don-vi/{id}/gio-lam-viec",
        Permission::CalendarEdit,
    ),
    needs("GET", "/mot-cua/can-bo", Permission::UserManage),
    needs("GET", "/mot-cua/can-bo/moi", Permission::UserManage),
    needs("POST", "/mot-cua/can-bo/moi", Permission::UserManage),
    needs("GET", "/mot-cua/can-bo/{id}", Permission::UserManage),
    needs(
        "POST",
        "/mot-cua/can-bo/{id}/phan-quyen",
        Permission::GrantManage,
    ),
    needs(
        "POST",
        "/mot-cua/can-bo/{id}/thu-hoi",
        Permission::GrantManage,
    ),
    needs("POST", "/mot-cua/can-bo/{id}/khoa", Permission::UserManage),
    needs(
        "POST",
        "/mot-cua/can-bo/{id}/mat-khau",
        Permission::UserManage,
    ),
    needs("GET", "/api/v1/users", Permission::UserManage),
    needs("POST", "/api/v1/users", Permission::UserManage),
    needs("POST", "/api/v1/users/{id}/disable", Permission::UserManage),
    needs("GET", "/api/v1/users/{id}/grants", Permission::GrantManage),
    needs("POST", "/api/v1/users/{id}/grants", Permission::GrantManage),
    needs("DELETE", "/api/v1/grants/{id}", Permission::GrantManage),
    needs("GET", "/api/v1/audit", Permission::AuditRead),
    // An agency's form wording: the installation-wide rule of the catalog (the service
    // decides it over every root agency).
    needs(
        "GET",
        "/api/v1/agencies/{id}/form-wording",
        Permission::CatalogImport,
    ),
    needs(
        "PUT",
        "/api/v1/agencies/{id}/form-wording",
        Permission::CatalogImport,
    ),
    needs(
        "DELETE",
        "/api/v1/agencies/{id}/form-wording",
        Permission::CatalogImport,
    ),
];

/// The rule for a request (`HEAD` is looked up as `GET`).
pub fn lookup(method: &Method, path: &str) -> Option<&'static RouteAccess> {
    let m = if method == Method::HEAD {
        "GET"
    } else {
        method.as_str()
    };
    lookup_declared(m, path)
}

/// The rule declared for `method` (as written in [`ROUTES`]) on the route pattern `path`.
pub fn lookup_declared(method: &str, path: &str) -> Option<&'static RouteAccess> {
    ROUTES.iter().find(|r| r.method == method && r.path == path)
}

/// Every operation of an OpenAPI document with its route pattern and method.
pub fn operations(
    doc: &mut utoipa::openapi::OpenApi,
) -> impl Iterator<Item = (&str, &'static str, &mut utoipa::openapi::path::Operation)> {
    doc.paths.paths.iter_mut().flat_map(|(path, item)| {
        [
            ("GET", item.get.as_mut()),
            ("POST", item.post.as_mut()),
            ("PUT", item.put.as_mut()),
            ("PATCH", item.patch.as_mut()),
            ("DELETE", item.delete.as_mut()),
        ]
        .into_iter()
        .filter_map(move |(method, op)| op.map(|op| (path.as_str(), method, op)))
    })
}

/// Writes each operation's rule into the OpenAPI document as `x-permission`, and declares the
/// two ways to authenticate.
pub fn annotate(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{
        extensions::ExtensionsBuilder,
        security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme},
    };
    for (path, method, op) in operations(doc) {
        let label = lookup_declared(method, path).map_or("undeclared", |r| r.access.label());
        let ext = ExtensionsBuilder::new().add("x-permission", label).build();
        match &mut op.extensions {
            Some(e) => e.merge(ext),
            None => op.extensions = Some(ext),
        }
    }
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some(
                    "An API token from POST /api/v1/auth/token or the account page. \
                     Requests with a bearer token are exempt from CSRF checks.",
                ))
                .build(),
        ),
    );
    components.add_security_scheme(
        "session",
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            "motcua_session",
            "The browser session (`__Host-motcua_session` over HTTPS). Requests that change \
             something must also send the session's CSRF token in `X-CSRF-Token`.",
        ))),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_route_is_declared_once() {
        for (i, a) in ROUTES.iter().enumerate() {
            for b in &ROUTES[i + 1..] {
                assert!(
                    !(a.method == b.method && a.path == b.path),
                    "{} {} declared twice",
                    a.method,
                    a.path
                );
            }
        }
        assert_eq!(
            lookup(&Method::HEAD, "/thu-tuc").map(|r| r.access),
            Some(Public)
        );
        assert!(lookup(&Method::PUT, "/thu-tuc").is_none());
    }
}
