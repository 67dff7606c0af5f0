//! Roles granted to officials: active grants, history, grant and revoke (each audited in
//! its transaction).

use async_trait::async_trait;
use jiff::Timestamp;
use motcua_core::{
    audit::AuditEvent,
    catalog::ProcedureCode,
    identity::{Grant, Role},
};

use crate::{
    audit::append_audit,
    codec::{DbDate, DbTime},
    db::{Db, on_pool, with_tx},
    error::{StoreError, StoreResult},
};

use super::StoredGrant;

/// Roles granted to officials.
#[async_trait]
pub trait GrantStore: Send + Sync {
    /// The grants of an account that are not revoked (whatever their dates: the access model
    /// explains expired grants in denials).
    async fn active_grants(&self, user_id: &str) -> StoreResult<Vec<StoredGrant>>;

    /// Every grant of an account, revoked ones too, newest first.
    async fn grant_history(&self, user_id: &str) -> StoreResult<Vec<StoredGrant>>;

    /// One grant.
    async fn grant(&self, id: &str) -> StoreResult<Option<StoredGrant>>;

    /// The unrevoked grants of one of `roles` given at one of `agencies` (an agency and its
    /// ancestors: whoever may act there), whatever their dates.
    async fn grants_at(&self, agencies: &[&str], roles: &[Role]) -> StoreResult<Vec<StoredGrant>>;

    /// Adds a grant.
    async fn add_grant(
        &self,
        id: &str,
        user_id: &str,
        grant: &Grant,
        by: &str,
        now: Timestamp,
        audit: &AuditEvent,
    ) -> StoreResult<()>;

    /// Revokes a grant. Returns false when it does not exist or was already revoked.
    async fn revoke_grant(
        &self,
        id: &str,
        by: &str,
        now: Timestamp,
        audit: &AuditEvent,
    ) -> StoreResult<bool>;
}

/// A row of [`GRANT_COLUMNS`].
#[derive(sqlx::FromRow)]
struct GrantRow {
    id: String,
    user_id: String,
    role: String,
    agency_id: String,
    subtree: bool,
    procedure_code: Option<String>,
    valid_from: DbDate,
    valid_to: Option<DbDate>,
    created_at: DbTime,
    created_by: String,
    revoked_at: Option<DbTime>,
}

const GRANT_COLUMNS: &str = "id, user_id, role, agency_id, subtree, procedure_code, valid_from, \
     valid_to, created_at, created_by, revoked_at";

impl TryFrom<GrantRow> for StoredGrant {
    type Error = StoreError;

    fn try_from(r: GrantRow) -> StoreResult<Self> {
        Ok(Self {
            id: r.id,
            user_id: r.user_id,
            grant: Grant {
                role: r
                    .role
                    .parse::<Role>()
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                agency_id: r.agency_id,
                subtree: r.subtree,
                procedure: r
                    .procedure_code
                    .map(|p| ProcedureCode::parse(&p))
                    .transpose()
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                valid_from: r.valid_from.0,
                valid_to: r.valid_to.map(|d| d.0),
            },
            created_at: r.created_at.0,
            created_by: r.created_by,
            revoked_at: r.revoked_at.map(|t| t.0),
        })
    }
}

#[async_trait]
impl GrantStore for Db {
    async fn active_grants(&self, user_id: &str) -> StoreResult<Vec<StoredGrant>> {
        let rows: Vec<GrantRow> = on_pool!(self, read, |p, _e| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {GRANT_COLUMNS} FROM grants WHERE user_id = $1 AND revoked_at IS NULL \
                 ORDER BY created_at, id"
            )))
            .bind(user_id)
            .fetch_all(p)
            .await?
        });
        rows.into_iter().map(StoredGrant::try_from).collect()
    }

    async fn grants_at(&self, agencies: &[&str], roles: &[Role]) -> StoreResult<Vec<StoredGrant>> {
        if agencies.is_empty() || roles.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<GrantRow> = on_pool!(self, read, |p, _e| {
            let mut qb = sqlx::QueryBuilder::new(format!(
                "SELECT {GRANT_COLUMNS} FROM grants WHERE revoked_at IS NULL AND agency_id IN ("
            ));
            let mut list = qb.separated(", ");
            for a in agencies {
                list.push_bind((*a).to_owned());
            }
            qb.push(") AND role IN (");
            let mut list = qb.separated(", ");
            for r in roles {
                list.push_bind(r.as_str().to_owned());
            }
            qb.push(") ORDER BY user_id, created_at, id");
            qb.build_query_as().fetch_all(p).await?
        });
        rows.into_iter().map(StoredGrant::try_from).collect()
    }

    async fn grant_history(&self, user_id: &str) -> StoreResult<Vec<StoredGrant>> {
        let rows: Vec<GrantRow> = on_pool!(self, read, |p, _e| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {GRANT_COLUMNS} FROM grants WHERE user_id = $1 \
                 ORDER BY created_at DESC, id DESC"
            )))
            .bind(user_id)
            .fetch_all(p)
            .await?
        });
        rows.into_iter().map(StoredGrant::try_from).collect()
    }

    async fn grant(&self, id: &str) -> StoreResult<Option<StoredGrant>> {
        let row: Option<GrantRow> = on_pool!(self, read, |p, _e| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {GRANT_COLUMNS} FROM grants WHERE id = $1"
            )))
            .bind(id)
            .fetch_optional(p)
            .await?
        });
        row.map(StoredGrant::try_from).transpose()
    }

    async fn add_grant(
        &self,
        id: &str,
        user_id: &str,
        grant: &Grant,
        by: &str,
        now: Timestamp,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        with_tx!(self, |tx, _e| {
            sqlx::query(
                "INSERT INTO grants (id, user_id, role, agency_id, subtree, procedure_code, \
                 valid_from, valid_to, created_at, created_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(id)
            .bind(user_id)
            .bind(grant.role.as_str())
            .bind(&grant.agency_id)
            .bind(grant.subtree)
            .bind(grant.procedure.as_ref().map(|p| p.as_str().to_owned()))
            .bind(DbDate(grant.valid_from))
            .bind(grant.valid_to.map(DbDate))
            .bind(DbTime(now))
            .bind(by)
            .execute(&mut *tx)
            .await?;
            append_audit!(&mut *tx, audit);
        });
        Ok(())
    }

    async fn revoke_grant(
        &self,
        id: &str,
        by: &str,
        now: Timestamp,
        audit: &AuditEvent,
    ) -> StoreResult<bool> {
        let done = with_tx!(self, |tx, _e| {
            let n = sqlx::query(
                "UPDATE grants SET revoked_at = $1, revoked_by = $2 \
                 WHERE id = $3 AND revoked_at IS NULL",
            )
            .bind(DbTime(now))
            .bind(by)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 1 {
                append_audit!(&mut *tx, audit);
            }
            n == 1
        });
        Ok(done)
    }
}
