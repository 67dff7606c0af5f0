//! What is wrong with a form, in the order the error summary lists it (the GOV.UK pattern:
//! a summary at the top linking to each field, and the message again at the field).

use motcua_core::text::capitalised;
use motcua_service::ServiceError;
use serde_json::{Value, json};

use crate::pages::PageError;

/// The problems of one form: `(field id, message)` in the order of the form.
#[derive(Debug, Default, Clone)]
pub struct Problems(Vec<(String, String)>);

impl Problems {
    /// Adds a problem at a field (the first message of a field wins), as a sentence: the
    /// service writes its messages in lower case, to follow a field name. A field that is a
    /// path (`/ho-so-dang-soan/…`) is a problem fixed on another page: the summary links there,
    /// and several problems may share it.
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        let (field, message) = (field.into(), capitalised(&message.into()));
        let elsewhere = field.starts_with('/');
        if !self
            .0
            .iter()
            .any(|(f, m)| *f == field && (!elsewhere || *m == message))
        {
            self.0.push((field, message));
        }
    }

    /// Whether the form is fine.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The service's field errors, their names turned into the form's field ids by `field`;
    /// any other error is no form problem and is answered as a page error.
    pub fn from_service(
        e: ServiceError,
        field: impl Fn(&str) -> String,
    ) -> Result<Self, PageError> {
        match e {
            ServiceError::Invalid(errors) => {
                let mut p = Self::default();
                for e in errors {
                    p.add(field(&e.field), e.message);
                }
                Ok(p)
            }
            other => Err(other.into()),
        }
    }

    /// Adds everything of `other` after what is here.
    pub fn extend(&mut self, other: Self) {
        for (f, m) in other.0 {
            self.add(f, m);
        }
    }

    /// The problems as `(field, message)`, in order.
    pub fn into_pairs(self) -> Vec<(String, String)> {
        self.0
    }

    /// For the templates: `errors` (field → message, for the field) and `error_list` (for the
    /// summary).
    pub fn context(&self) -> Value {
        let map: serde_json::Map<String, Value> = self
            .0
            .iter()
            .map(|(f, m)| (f.clone(), Value::String(m.clone())))
            .collect();
        json!({
            "errors": map,
            "error_list": self.0.iter().map(|(f, m)| json!({
                "field": f,
                "href": if f.starts_with('/') { f.clone() } else { format!("#{f}") },
                "message": m,
            })).collect::<Vec<_>>(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use motcua_core::dossier::FieldError;

    #[test]
    fn service_field_errors_become_the_forms_problems_in_order() {
        let e = ServiceError::Invalid(vec![
            FieldError::new("applicant.citizen_id", "số định danh cá nhân gồm 12 chữ số"),
            FieldError::new("applicant.phone", "số điện thoại Việt Nam"),
            FieldError::new("applicant.citizen_id", "lần thứ hai"),
        ]);
        let p =
            Problems::from_service(e, |f| f.trim_start_matches("applicant.").to_owned()).unwrap();
        let ctx = p.context();
        assert_eq!(
            ctx["errors"]["citizen_id"],
            "Số định danh cá nhân gồm 12 chữ số"
        );
        assert_eq!(ctx["error_list"][1]["field"], "phone");
        assert_eq!(ctx["error_list"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn other_service_errors_are_page_errors() {
        let e = ServiceError::NotFound("Không tìm thấy".into());
        assert!(Problems::from_service(e, str::to_owned).is_err());
    }
}
