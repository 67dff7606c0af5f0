//! Access-control filters inside SQL: a [`Scope`] becomes a `WHERE` condition, so list queries
//! return only what the principal may see without loading and checking rows one by one.

use motcua_core::identity::Scope;
use sqlx::{Database, Encode, QueryBuilder, Type};

/// Pushes a condition equivalent to `scope.contains(agency, procedure)` for the row's
/// `agency_col` (and `procedure_col`, when rows belong to a procedure):
///
/// ```text
/// (agency_id IN ($1, $2, …) OR (procedure_code = $n AND agency_id IN (…)) OR …)
/// ```
///
/// An empty scope becomes `(1 = 0)`: nothing. Column names are code, never input. Agency ids
/// are bound as parameters; a whole province is a few hundred, well within both engines'
/// parameter limits.
pub fn push_scope<DB>(
    qb: &mut QueryBuilder<DB>,
    scope: &Scope,
    agency_col: &'static str,
    procedure_col: Option<&'static str>,
) where
    DB: Database,
    for<'t> String: Encode<'t, DB> + Type<DB>,
{
    let mut terms = 0;
    qb.push("(");
    if !scope.agencies.is_empty() {
        push_in(qb, agency_col, scope.agencies.iter());
        terms += 1;
    }
    if let Some(pcol) = procedure_col {
        for (procedure, agencies) in &scope.by_procedure {
            if agencies.is_empty() {
                continue;
            }
            if terms > 0 {
                qb.push(" OR ");
            }
            qb.push("(")
                .push(pcol)
                .push(" = ")
                .push_bind(procedure.as_str().to_owned())
                .push(" AND ");
            push_in(qb, agency_col, agencies.iter());
            qb.push(")");
            terms += 1;
        }
    }
    if terms == 0 {
        qb.push("1 = 0");
    }
    qb.push(")");
}

fn push_in<'a, DB>(
    qb: &mut QueryBuilder<DB>,
    col: &'static str,
    values: impl Iterator<Item = &'a String>,
) where
    DB: Database,
    for<'t> String: Encode<'t, DB> + Type<DB>,
{
    qb.push(col).push(" IN (");
    let mut list = qb.separated(", ");
    for v in values {
        list.push_bind(v.clone());
    }
    qb.push(")");
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use motcua_core::catalog::ProcedureCode;

    use super::*;

    fn sql(scope: &Scope, proc_col: Option<&'static str>) -> String {
        let mut qb = QueryBuilder::<sqlx::Postgres>::new("");
        push_scope(&mut qb, scope, "agency_id", proc_col);
        qb.sql().as_str().to_owned()
    }

    #[test]
    fn conditions_are_parameterised() {
        assert_eq!(sql(&Scope::default(), None), "(1 = 0)");
        let scope = Scope {
            agencies: BTreeSet::from(["bn.stp".to_owned(), "bn.tc".to_owned()]),
            by_procedure: BTreeMap::from([(
                ProcedureCode::parse("1.001193").unwrap(),
                BTreeSet::from(["bn.x07210".to_owned()]),
            )]),
        };
        assert_eq!(
            sql(&scope, Some("procedure_code")),
            "(agency_id IN ($1, $2) OR (procedure_code = $3 AND agency_id IN ($4)))"
        );
        // Rows without a procedure: procedure-restricted grants cannot apply.
        assert_eq!(sql(&scope, None), "(agency_id IN ($1, $2))");
        let only_proc = Scope {
            agencies: BTreeSet::new(),
            ..scope
        };
        assert_eq!(sql(&only_proc, None), "(1 = 0)");
    }
}
